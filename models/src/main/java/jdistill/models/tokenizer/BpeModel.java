package jdistill.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding: a piece starts as one symbol per code point and the ranked merges are applied,
 * lowest rank first (leftmost first among equals), exactly as HF's {@code Word::merge_all}. Results
 * for pieces seen before come from a bounded cache.
 */
public final class BpeModel extends VocabularyModel {
  /** Most pieces the cache keeps (HF's default capacity). */
  public static final int CACHE_CAPACITY = 10_000;

  private final List<String[]> merges;
  private final MergeMap mergeMap;
  private final String unkToken;
  private final String continuingSubwordPrefix;
  private final String endOfWordSuffix;
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final Float dropout;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  /** Options of a BPE model besides its vocabulary and merges; nulls mean "none". */
  public record Options(String unkToken, String continuingSubwordPrefix, String endOfWordSuffix, boolean fuseUnk,
      boolean byteFallback, boolean ignoreMerges, Float dropout) {
    /** GPT-2's options: no unknown token, no prefix or suffix. */
    public static Options gpt2() {
      return new Options(null, null, null, false, false, false, null);
    }
  }

  /**
   * @param vocab token to id
   * @param merges pairs in rank order; each pair's concatenation must be in the vocabulary
   * @throws IllegalArgumentException naming the merge (by rank) whose token is missing
   */
  public BpeModel(Map<String, Integer> vocab, List<String[]> merges, Options options) {
    super(vocab);
    this.merges = List.copyOf(merges);
    this.unkToken = options.unkToken();
    this.continuingSubwordPrefix = options.continuingSubwordPrefix();
    this.endOfWordSuffix = options.endOfWordSuffix();
    this.fuseUnk = options.fuseUnk();
    this.byteFallback = options.byteFallback();
    this.ignoreMerges = options.ignoreMerges();
    this.dropout = options.dropout();
    this.mergeMap = new MergeMap(merges.size());
    int prefixLen = continuingSubwordPrefix == null ? 0 : continuingSubwordPrefix.length();
    for (int r = 0; r < merges.size(); r++) {
      String a = merges.get(r)[0], b = merges.get(r)[1];
      Integer ia = vocab.get(a), ib = vocab.get(b);
      if (ia == null || ib == null) {
        throw new IllegalArgumentException("merge " + r + " ('" + a + "' '" + b + "'): token '" + (ia == null ? a : b)
            + "' is not in the vocabulary");
      }
      String merged = a + (prefixLen > 0 && b.length() >= prefixLen ? b.substring(prefixLen) : b);
      Integer im = vocab.get(merged);
      if (im == null) {
        throw new IllegalArgumentException("merge " + r + " ('" + a + "' '" + b + "'): merged token '" + merged
            + "' is not in the vocabulary");
      }
      mergeMap.put(ia, ib, r, im);
    }
  }

  /** The options this model was built with. */
  public Options options() {
    return new Options(unkToken, continuingSubwordPrefix, endOfWordSuffix, fuseUnk, byteFallback, ignoreMerges, dropout);
  }

  /** The merges, in rank order. */
  public List<String[]> merges() {
    return merges;
  }

  @Override
  public List<Token> tokenize(String piece) {
    if (piece.isEmpty()) return List.of();
    if (ignoreMerges) {
      Integer id = vocab.get(piece);
      if (id != null) return List.of(new Token(id, piece, 0, piece.codePointCount(0, piece.length())));
    }
    int[] word = cache.get(piece);
    if (word == null) {
      word = mergeWord(piece);
      if (cache.size() < CACHE_CAPACITY) cache.putIfAbsent(piece, word);
    }
    int n = word.length / 3;
    List<Token> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int id = word[3 * i];
      out.add(new Token(id, reverse[id], word[3 * i + 1], word[3 * i + 2]));
    }
    return out;
  }

  /** The merged symbols of {@code w} as (id, start, end) triples, in code points. */
  private int[] mergeWord(String w) {
    int[] cps = UnicodeProps.codePoints(w);
    int n = cps.length;
    IntList ids = new IntList(n), starts = new IntList(n), ends = new IntList(n);
    int unkId = -1, unkStart = 0, unkEnd = 0;
    for (int i = 0; i < n; i++) {
      String s = Character.toString(cps[i]);
      if (i > 0 && continuingSubwordPrefix != null) s = continuingSubwordPrefix + s;
      if (i == n - 1 && endOfWordSuffix != null) s = s + endOfWordSuffix;
      Integer id = vocab.get(s);
      if (id != null) {
        if (unkId >= 0) {
          ids.add(unkId);
          starts.add(unkStart);
          ends.add(unkEnd);
          unkId = -1;
        }
        ids.add(id);
        starts.add(i);
        ends.add(i + 1);
        continue;
      }
      if (byteFallback) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int[] fb = new int[bytes.length];
        boolean all = true;
        for (int k = 0; k < bytes.length && all; k++) {
          Integer b = vocab.get(String.format("<0x%02X>", bytes[k] & 0xFF));
          if (b == null) all = false;
          else fb[k] = b;
        }
        if (all) {
          // each byte token covers the whole character, as HF's byte offsets map back to it
          for (int k = 0; k < fb.length; k++) {
            ids.add(fb[k]);
            starts.add(i);
            ends.add(i + 1);
          }
          continue;
        }
      }
      if (unkToken != null) {
        Integer u = vocab.get(unkToken);
        if (u == null) throw new IllegalStateException("BPE: the unknown token '" + unkToken + "' is not in the vocabulary");
        if (unkId >= 0 && fuseUnk) {
          unkEnd = i + 1;
        } else {
          if (unkId >= 0) {
            ids.add(unkId);
            starts.add(unkStart);
            ends.add(unkEnd);
          }
          unkId = u;
          unkStart = i;
          unkEnd = i + 1;
        }
      }
    }
    if (unkId >= 0) {
      ids.add(unkId);
      starts.add(unkStart);
      ends.add(unkEnd);
    }
    return mergeAll(ids, starts, ends);
  }

  private int[] mergeAll(IntList idList, IntList startList, IntList endList) {
    int n = idList.size;
    int[] c = idList.a, st = startList.a, en = endList.a;
    int[] prev = new int[n], next = new int[n];
    for (int i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    MergeHeap heap = new MergeHeap(n);
    for (int i = 0; i + 1 < n; i++) {
      long m = mergeMap.get(c[i], c[i + 1]);
      if (m >= 0) heap.push((int) (m >>> 32), i, (int) m);
    }
    boolean[] removed = new boolean[n];
    while (heap.size > 0) {
      int pos = heap.topPos(), newId = heap.topNewId();
      heap.pop();
      if (removed[pos] || next[pos] == -1) continue;
      int right = next[pos];
      long cur = mergeMap.get(c[pos], c[right]);
      if (cur < 0 || (int) cur != newId) continue;
      c[pos] = newId;
      en[pos] = en[right];
      removed[right] = true;
      next[pos] = next[right];
      if (next[right] != -1) prev[next[right]] = pos;
      if (prev[pos] >= 0) {
        long m = mergeMap.get(c[prev[pos]], c[pos]);
        if (m >= 0) heap.push((int) (m >>> 32), prev[pos], (int) m);
      }
      if (next[pos] != -1) {
        long m = mergeMap.get(c[pos], c[next[pos]]);
        if (m >= 0) heap.push((int) (m >>> 32), pos, (int) m);
      }
    }
    IntList out = new IntList(n * 3);
    for (int i = 0; i < n; i++) {
      if (!removed[i]) {
        out.add(c[i]);
        out.add(st[i]);
        out.add(en[i]);
      }
    }
    return out.toArray();
  }

  /** Min-heap of pending merges ordered by rank, then position. */
  private static final class MergeHeap {
    long[] key; // rank << 32 | pos
    int[] val;
    int size;

    MergeHeap(int cap) {
      key = new long[Math.max(4, cap)];
      val = new int[Math.max(4, cap)];
    }

    void push(int rank, int pos, int newId) {
      if (size == key.length) {
        key = java.util.Arrays.copyOf(key, size * 2);
        val = java.util.Arrays.copyOf(val, size * 2);
      }
      long k = ((long) rank << 32) | pos;
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (key[p] <= k) break;
        key[i] = key[p];
        val[i] = val[p];
        i = p;
      }
      key[i] = k;
      val[i] = newId;
    }

    int topRank() {
      return (int) (key[0] >>> 32);
    }

    int topPos() {
      return (int) key[0];
    }

    int topNewId() {
      return val[0];
    }

    void pop() {
      long k = key[--size];
      int v = val[size];
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= size) break;
        int r = l + 1;
        int m = r < size && key[r] < key[l] ? r : l;
        if (key[m] >= k) break;
        key[i] = key[m];
        val[i] = val[m];
        i = m;
      }
      key[i] = k;
      val[i] = v;
    }
  }
}
