package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Learns BPE merges from word counts, as HF's {@code BpeTrainer}: the vocabulary starts with the
 * special tokens and the alphabet, then the most frequent adjacent pair is merged, again and again,
 * until the vocabulary has {@code vocabSize} tokens or no pair occurs {@code minFrequency} times.
 * Ties go to the pair of smaller ids; words are visited in sorted order, so results are deterministic.
 *
 * @param limitAlphabet keep only this many most frequent characters (null: all)
 * @param initialAlphabet characters always in the alphabet, seen or not
 * @param continuingSubwordPrefix prefix of every symbol but a word's first (WordPiece's {@code ##}), or null
 * @param endOfWordSuffix suffix of a word's last symbol, or null
 */
public record BpeTrainer(int vocabSize, int minFrequency, List<String> specialTokens, Integer limitAlphabet,
    List<String> initialAlphabet, String continuingSubwordPrefix, String endOfWordSuffix) {

  /** Checks the arguments and copies the lists. */
  public BpeTrainer {
    if (vocabSize <= 0) throw new IllegalArgumentException("vocabSize must be > 0, got " + vocabSize);
    specialTokens = List.copyOf(specialTokens);
    initialAlphabet = List.copyOf(initialAlphabet);
    for (String c : initialAlphabet) {
      if (c.codePointCount(0, c.length()) != 1) throw new IllegalArgumentException("initial alphabet entry '" + c + "' is not one character");
    }
  }

  /** The learned vocabulary (token to id, in id order) and merges (in rank order). */
  public record Result(Map<String, Integer> vocab, List<String[]> merges) {}

  /** Learns from {@code wordCounts} (pre-tokenized pieces and how often each occurs). */
  public Result train(Map<String, Long> wordCounts) {
    LinkedHashMap<String, Integer> vocab = new LinkedHashMap<>();
    List<String> tokens = new ArrayList<>();
    for (String s : specialTokens) add(vocab, tokens, s);

    // Alphabet: characters by frequency, the initial ones always kept.
    Map<Integer, Long> charCounts = new HashMap<>();
    for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
      e.getKey().codePoints().forEach(c -> charCounts.merge(c, e.getValue(), Long::sum));
    }
    for (String c : initialAlphabet) charCounts.put(c.codePointAt(0), Long.MAX_VALUE);
    List<Map.Entry<Integer, Long>> chars = new ArrayList<>(charCounts.entrySet());
    if (limitAlphabet != null && chars.size() > limitAlphabet) {
      chars.sort((x, y) -> x.getValue().equals(y.getValue()) ? Integer.compare(y.getKey(), x.getKey())
          : Long.compare(x.getValue(), y.getValue()));
      chars = new ArrayList<>(chars.subList(chars.size() - limitAlphabet, chars.size()));
    }
    chars.sort(Map.Entry.comparingByKey());
    for (Map.Entry<Integer, Long> c : chars) add(vocab, tokens, Character.toString(c.getKey()));

    // Words as symbol ids, in sorted order.
    TreeMap<String, Long> sorted = new TreeMap<>(wordCounts);
    int nw = sorted.size();
    int[][] words = new int[nw][];
    int[] lens = new int[nw];
    long[] counts = new long[nw];
    int w = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      int[] cps = UnicodeProps.codePoints(e.getKey());
      IntList sym = new IntList(cps.length);
      for (int i = 0; i < cps.length; i++) {
        String s = Character.toString(cps[i]);
        if (!vocab.containsKey(s)) continue;
        if (i > 0 && continuingSubwordPrefix != null) s = continuingSubwordPrefix + s;
        if (i == cps.length - 1 && endOfWordSuffix != null) s = s + endOfWordSuffix;
        sym.add(add(vocab, tokens, s));
      }
      words[w] = sym.toArray();
      lens[w] = sym.size;
      counts[w] = e.getValue();
      w++;
    }

    // Pair counts and where each pair occurs.
    HashMap<Long, long[]> pairCounts = new HashMap<>();
    HashMap<Long, IntList> where = new HashMap<>();
    for (w = 0; w < nw; w++) {
      for (int i = 0; i + 1 < lens[w]; i++) {
        long p = pair(words[w][i], words[w][i + 1]);
        pairCounts.computeIfAbsent(p, k -> new long[1])[0] += counts[w];
        IntList l = where.computeIfAbsent(p, k -> new IntList(4));
        if (l.size == 0 || l.a[l.size - 1] != w) l.add(w);
      }
    }
    PriorityQueue<long[]> queue = new PriorityQueue<>(BpeTrainer::compareEntries);
    for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
      if (e.getValue()[0] > 0) queue.add(new long[] {e.getValue()[0], e.getKey()});
    }

    List<String[]> merges = new ArrayList<>();
    int[] stamp = new int[nw];
    Arrays.fill(stamp, -1);
    int step = 0;
    int prefixLen = continuingSubwordPrefix == null ? 0 : continuingSubwordPrefix.length();
    while (vocab.size() < vocabSize && !queue.isEmpty()) {
      long[] top = queue.poll();
      long p = top[1];
      long current = pairCounts.get(p)[0];
      if (top[0] != current) {
        if (current > 0) queue.add(new long[] {current, p});
        continue;
      }
      if (current < 1 || current < minFrequency) break;
      int a = (int) (p >>> 32), b = (int) p;
      String left = tokens.get(a), right = tokens.get(b);
      String rightPart = prefixLen > 0 && right.startsWith(continuingSubwordPrefix) ? right.substring(prefixLen) : right;
      int n = add(vocab, tokens, left + rightPart);
      merges.add(new String[] {left, right});

      HashMap<Long, Boolean> touched = new HashMap<>();
      IntList occurs = where.get(p);
      for (int k = 0; k < occurs.size; k++) {
        int wi = occurs.a[k];
        if (stamp[wi] == step) continue;
        stamp[wi] = step;
        mergeWord(wi, a, b, n, words, lens, counts, pairCounts, where, touched);
      }
      for (Long q : touched.keySet()) {
        long c = pairCounts.get(q)[0];
        if (c > 0) queue.add(new long[] {c, q});
      }
      step++;
    }
    return new Result(Collections.unmodifiableMap(vocab), List.copyOf(merges));
  }

  private static void mergeWord(int wi, int a, int b, int n, int[][] words, int[] lens, long[] counts,
      HashMap<Long, long[]> pairCounts, HashMap<Long, IntList> where, HashMap<Long, Boolean> touched) {
    int[] s = words[wi];
    int len = lens[wi];
    boolean found = false;
    for (int i = 0; i + 1 < len && !found; i++) found = s[i] == a && s[i + 1] == b;
    if (!found) return;
    long c = counts[wi];
    for (int i = 0; i + 1 < len; i++) pairCounts.get(pair(s[i], s[i + 1]))[0] -= c;
    int m = 0;
    for (int i = 0; i < len; ) {
      if (i + 1 < len && s[i] == a && s[i + 1] == b) {
        s[m++] = n;
        i += 2;
      } else {
        s[m++] = s[i++];
      }
    }
    lens[wi] = m;
    for (int i = 0; i + 1 < m; i++) {
      long q = pair(s[i], s[i + 1]);
      pairCounts.computeIfAbsent(q, k -> new long[1])[0] += c;
      if (s[i] == n || s[i + 1] == n) {
        IntList l = where.computeIfAbsent(q, k -> new IntList(4));
        if (l.size == 0 || l.a[l.size - 1] != wi) l.add(wi);
        touched.put(q, Boolean.TRUE);
      }
    }
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  /** Higher count first; on equal counts the smaller (left id, right id) first. */
  private static int compareEntries(long[] x, long[] y) {
    if (x[0] != y[0]) return Long.compare(y[0], x[0]);
    return Long.compare(x[1], y[1]);
  }

  private static int add(Map<String, Integer> vocab, List<String> tokens, String s) {
    Integer id = vocab.get(s);
    if (id != null) return id;
    vocab.put(s, tokens.size());
    tokens.add(s);
    return tokens.size() - 1;
  }
}
