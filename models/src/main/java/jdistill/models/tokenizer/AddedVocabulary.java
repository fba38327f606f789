package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tokens added on top of the model's vocabulary (special tokens and the like) and their matching
 * in the input, as HF's {@code AddedVocabulary}: raw-text tokens are cut out first, then the rest
 * is normalized and normalized tokens are cut out of it; the matching is leftmost-longest.
 */
public final class AddedVocabulary {
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<Integer, AddedToken> byId = new LinkedHashMap<>();
  private final List<AddedToken> addedTokens = new ArrayList<>();
  private final List<AddedToken> specialTokens = new ArrayList<>();
  private final Set<String> specialSet = new HashSet<>();
  private Matcher raw = new Matcher();
  private Matcher normalizedMatcher = new Matcher();

  /** Adds {@code tokens} the way HF does: ids from the model's vocabulary when there, else new ones after it. */
  AddedVocabulary(List<AddedToken> tokens, Model model, Normalizer normalizer) {
    for (AddedToken t : tokens) {
      if (t.special() && !t.content().isEmpty() && specialSet.add(t.content())) specialTokens.add(t);
    }
    for (AddedToken t : tokens) {
      if (t.content().isEmpty() || byId.containsValue(t)) continue;
      int id = tokenToId(t.content(), model);
      if (id < 0) {
        int vs = model.vocabSize();
        if (ids.isEmpty()) id = vs;
        else {
          int max = Collections.max(ids.values());
          id = max >= vs || vs == 0 ? max + 1 : vs;
        }
      }
      ids.put(t.content(), id);
      byId.put(id, t);
      if (!specialSet.contains(t.content())) addedTokens.add(t);
    }
    List<AddedToken> all = new ArrayList<>(specialTokens);
    all.addAll(addedTokens);
    for (AddedToken t : all) {
      int id = ids.get(t.content());
      if (t.normalized()) {
        NormalizedString ns = NormalizedString.of(t.content());
        if (normalizer != null) normalizer.normalize(ns);
        int[] p = UnicodeProps.codePoints(ns.get());
        normalizedMatcher.add(p, id);
      } else {
        raw.add(UnicodeProps.codePoints(t.content()), id);
      }
    }
  }

  /** Id of {@code token}: the added one when there is one, else the model's, else -1. */
  int tokenToId(String token, Model model) {
    Integer id = ids.get(token);
    return id != null ? id : model.tokenToId(token);
  }

  /** The added token with id {@code id}, or null. */
  AddedToken token(int id) {
    return byId.get(id);
  }

  /** True when {@code content} is a special token. */
  boolean isSpecial(String content) {
    return specialSet.contains(content);
  }

  /** The added tokens with their ids, in id order. */
  public Map<Integer, AddedToken> tokensById() {
    Map<Integer, AddedToken> m = new java.util.TreeMap<>(byId);
    return Collections.unmodifiableMap(m);
  }

  /** Number of added tokens whose ids are not in the model's vocabulary. */
  int size() {
    return byId.size();
  }

  /** Cuts the added tokens out of {@code input} and normalizes the rest. */
  PreTokenizedString extractAndNormalize(Normalizer normalizer, int[] input) {
    PreTokenizedString p = new PreTokenizedString(NormalizedString.of(input, 0, input.length));
    p.splitWithTokens(ns -> splitWithIndices(ns, raw));
    p.splitWithTokens(ns -> {
      if (normalizer != null) normalizer.normalize(ns);
      return splitWithIndices(ns, normalizedMatcher);
    });
    return p;
  }

  private List<PreTokenizedString.Split> splitWithIndices(NormalizedString ns, Matcher m) {
    List<PreTokenizedString.Split> out = new ArrayList<>();
    for (int[] f : findMatches(ns, m)) {
      NormalizedString slice = ns.slice(f[1], f[2]);
      if (f[0] >= 0) {
        String value = slice.get();
        out.add(new PreTokenizedString.Split(slice, List.of(new Token(f[0], value, 0, slice.length()))));
      } else {
        out.add(new PreTokenizedString.Split(slice, null));
      }
    }
    return out;
  }

  /** {id or -1, start, end} pieces covering the text, as HF's {@code find_matches}. */
  private List<int[]> findMatches(NormalizedString ns, Matcher m) {
    int n = ns.length();
    List<int[]> out = new ArrayList<>();
    if (n == 0) {
      out.add(new int[] {-1, 0, 0});
      return out;
    }
    if (m.byFirst.isEmpty()) {
      out.add(new int[] {-1, 0, n});
      return out;
    }
    int[] text = new int[n];
    for (int i = 0; i < n; i++) text[i] = ns.codePointAt(i);
    int startOffset = 0;
    int i = 0;
    while (i < n) {
      List<Matcher.Entry> cands = m.byFirst.get(text[i]);
      Matcher.Entry hit = null;
      if (cands != null) {
        for (Matcher.Entry e : cands) {
          if (matchesAt(text, i, e.pattern)) {
            hit = e;
            break;
          }
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      int start = i, stop = i + hit.pattern.length;
      AddedToken tok = byId.get(hit.id);
      if (tok.singleWord()) {
        boolean startSpace = start == 0 || !UnicodeProps.isRegexWord(text[start - 1]);
        boolean stopSpace = stop == n || !UnicodeProps.isRegexWord(text[stop]);
        if (!startSpace || !stopSpace) {
          i = stop; // the automaton moves past this match
          continue;
        }
      }
      if (tok.lstrip()) {
        int s = start;
        while (s > 0 && UnicodeProps.isWhitespace(text[s - 1])) s--;
        start = Math.max(s, startOffset);
      }
      if (tok.rstrip()) {
        while (stop < n && UnicodeProps.isWhitespace(text[stop])) stop++;
      }
      if (startOffset < start) out.add(new int[] {-1, startOffset, start});
      out.add(new int[] {hit.id, start, stop});
      startOffset = stop;
      i += hit.pattern.length; // the automaton goes on after the raw match, as HF's
    }
    if (startOffset != n) out.add(new int[] {-1, startOffset, n});
    return out;
  }

  private static boolean matchesAt(int[] text, int i, int[] p) {
    if (i + p.length > text.length) return false;
    for (int k = 0; k < p.length; k++) if (text[i + k] != p[k]) return false;
    return true;
  }

  /** Patterns by first code point, longest first. */
  private static final class Matcher {
    record Entry(int[] pattern, int id) {}

    final Map<Integer, List<Entry>> byFirst = new HashMap<>();

    void add(int[] pattern, int id) {
      if (pattern.length == 0) return;
      List<Entry> l = byFirst.computeIfAbsent(pattern[0], k -> new ArrayList<>());
      l.add(new Entry(pattern, id));
      l.sort((a, b) -> Integer.compare(b.pattern.length, a.pattern.length));
    }
  }
}
