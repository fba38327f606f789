package jdistill.models.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A piece of the input text as normalization changes it, with, for every code point of the
 * normalized text, the range of input code points it came from (HF's {@code NormalizedString},
 * in code points rather than bytes). Offsets are absolute: they index the whole input string.
 */
public final class NormalizedString {
  private int[] cps;
  private int[] starts;
  private int[] ends;
  private int length;
  private final int originalStart;
  private final int originalEnd;

  private NormalizedString(int[] cps, int[] starts, int[] ends, int length, int originalStart, int originalEnd) {
    this.cps = cps;
    this.starts = starts;
    this.ends = ends;
    this.length = length;
    this.originalStart = originalStart;
    this.originalEnd = originalEnd;
  }

  /** The input code points {@code [from, to)}, unchanged, aligned one to one. */
  public static NormalizedString of(int[] input, int from, int to) {
    int n = to - from;
    int[] c = Arrays.copyOfRange(input, from, to);
    int[] s = new int[n], e = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = from + i;
      e[i] = from + i + 1;
    }
    return new NormalizedString(c, s, e, n, from, to);
  }

  /** A whole string, unchanged (offsets relative to it). */
  public static NormalizedString of(String text) {
    int[] c = UnicodeProps.codePoints(text);
    return of(c, 0, c.length);
  }

  /** The normalized text. */
  public String get() {
    return new String(cps, 0, length);
  }

  /** Number of code points of the normalized text. */
  public int length() {
    return length;
  }

  /** True when the normalized text is empty. */
  public boolean isEmpty() {
    return length == 0;
  }

  /** The {@code i}-th normalized code point. */
  public int codePointAt(int i) {
    return cps[i];
  }

  /** Start of the input range this piece covers. */
  public int originalStart() {
    return originalStart;
  }

  /** End of the input range this piece covers. */
  public int originalEnd() {
    return originalEnd;
  }

  /**
   * The input range of normalized code points {@code [start, end)}: smallest start to largest end
   * of their alignments (HF's {@code convert_offsets}); {@code null} for an empty range.
   */
  public int[] originalRange(int start, int end) {
    if (start >= end) return null;
    int s = Integer.MAX_VALUE, e = Integer.MIN_VALUE;
    for (int i = start; i < end; i++) {
      s = Math.min(s, starts[i]);
      e = Math.max(e, ends[i]);
    }
    return new int[] {s, e};
  }

  // ---------------------------------------------------------------- transformations

  /**
   * HF's {@code transform}: replaces the text with {@code out[0..n)}, where {@code changes[k]} says
   * how output code point {@code k} relates to the current text: 0 replaces the next code point,
   * a positive value inserts (the new code point shares the alignment of the last one consumed),
   * a negative value replaces the next code point and removes that many more. {@code initialOffset}
   * current code points are dropped first.
   */
  public void transform(int[] out, int[] changes, int n, int initialOffset) {
    int[] ns = new int[n], ne = new int[n];
    int off = initialOffset;
    for (int k = 0; k < n; k++) {
      int ch = changes[k];
      if (ch > 0) {
        if (off < 1) {
          ns[k] = originalStart;
          ne[k] = originalStart;
        } else {
          ns[k] = starts[off - 1];
          ne[k] = ends[off - 1];
        }
      } else {
        ns[k] = starts[off];
        ne[k] = ends[off];
        off++;
        if (ch < 0) off -= ch;
      }
    }
    cps = Arrays.copyOf(out, n);
    starts = ns;
    ends = ne;
    length = n;
  }

  /** Maps each code point to zero or more code points; all of them keep its alignment. */
  public void replaceEach(CodePointExpander f) {
    int[] oc = new int[length + 8], os = new int[length + 8], oe = new int[length + 8];
    int[] buf = new int[32];
    int m = 0;
    for (int i = 0; i < length; i++) {
      int k = f.expand(cps[i], buf);
      if (m + k > oc.length) {
        int cap = Math.max(oc.length * 2, m + k);
        oc = Arrays.copyOf(oc, cap);
        os = Arrays.copyOf(os, cap);
        oe = Arrays.copyOf(oe, cap);
      }
      for (int j = 0; j < k; j++) {
        oc[m] = buf[j];
        os[m] = starts[i];
        oe[m] = ends[i];
        m++;
      }
    }
    cps = oc;
    starts = os;
    ends = oe;
    length = m;
  }

  /** Maps one code point to {@code out}, returning how many it wrote (at most 32). */
  @FunctionalInterface
  public interface CodePointExpander {
    int expand(int cp, int[] out);
  }

  /** Keeps only the code points {@code keep} accepts. */
  public void filter(IntPredicate keep) {
    int m = 0;
    for (int i = 0; i < length; i++) {
      if (keep.test(cps[i])) {
        cps[m] = cps[i];
        starts[m] = starts[i];
        ends[m] = ends[i];
        m++;
      }
    }
    length = m;
  }

  /** Lowercases each code point as Rust's {@code char::to_lowercase} does. */
  public void lowercase() {
    replaceEach(UnicodeProps::toLowerCase);
  }

  /** Prepends {@code s}; its code points share the alignment of the first code point (as HF). */
  public void prepend(String s) {
    if (length == 0 || s.isEmpty()) return;
    int[] add = UnicodeProps.codePoints(s);
    int n = add.length + length;
    int[] oc = new int[n], os = new int[n], oe = new int[n];
    for (int i = 0; i < add.length; i++) {
      oc[i] = add[i];
      os[i] = starts[0];
      oe[i] = ends[0];
    }
    System.arraycopy(cps, 0, oc, add.length, length);
    System.arraycopy(starts, 0, os, add.length, length);
    System.arraycopy(ends, 0, oe, add.length, length);
    cps = oc;
    starts = os;
    ends = oe;
    length = n;
  }

  /** Appends {@code s}; its code points share the alignment of the last code point (as HF). */
  public void append(String s) {
    if (length == 0 || s.isEmpty()) return;
    int[] add = UnicodeProps.codePoints(s);
    int n = add.length + length;
    cps = Arrays.copyOf(cps, n);
    starts = Arrays.copyOf(starts, n);
    ends = Arrays.copyOf(ends, n);
    for (int i = 0; i < add.length; i++) {
      cps[length + i] = add[i];
      starts[length + i] = starts[length - 1];
      ends[length + i] = ends[length - 1];
    }
    length = n;
  }

  /** Removes leading and/or trailing whitespace. */
  public void strip(boolean left, boolean right) {
    int s = 0, e = length;
    if (left) while (s < e && UnicodeProps.isWhitespace(cps[s])) s++;
    if (right) while (e > s && UnicodeProps.isWhitespace(cps[e - 1])) e--;
    if (s == 0 && e == length) return;
    cps = Arrays.copyOfRange(cps, s, e);
    starts = Arrays.copyOfRange(starts, s, e);
    ends = Arrays.copyOfRange(ends, s, e);
    length = e - s;
  }

  /**
   * Replaces every match (non-overlapping {@code [start, end)} ranges, sorted) by {@code content},
   * as HF's {@code replace}: the replacement's code points take the alignment of the last matched
   * code point.
   */
  public void replace(List<int[]> matches, String content) {
    if (matches.isEmpty()) return;
    int[] rep = UnicodeProps.codePoints(content);
    IntList oc = new IntList(length + 8), os = new IntList(length + 8), oe = new IntList(length + 8);
    int pos = 0;
    for (int[] m : matches) {
      for (int i = pos; i < m[0]; i++) {
        oc.add(cps[i]);
        os.add(starts[i]);
        oe.add(ends[i]);
      }
      int s = m[1] >= 1 ? starts[m[1] - 1] : originalStart, e = m[1] >= 1 ? ends[m[1] - 1] : originalStart;
      for (int c : rep) {
        oc.add(c);
        os.add(s);
        oe.add(e);
      }
      pos = m[1];
    }
    for (int i = pos; i < length; i++) {
      oc.add(cps[i]);
      os.add(starts[i]);
      oe.add(ends[i]);
    }
    cps = oc.a;
    starts = os.a;
    ends = oe.a;
    length = oc.size;
  }

  /** Applies Unicode normalization {@code form} with HF's alignment rules. */
  public void normalize(Normalizer.Form form) {
    if (length == 0) return;
    boolean compose = form == Normalizer.Form.NFC || form == Normalizer.Form.NFKC;
    Normalizer.Form decomposeForm = form == Normalizer.Form.NFKC || form == Normalizer.Form.NFKD
        ? Normalizer.Form.NFKD : Normalizer.Form.NFD;
    // Fast path: nothing to do.
    boolean special = false;
    for (int i = 0; i < length; i++) {
      if (UnicodeProps.normalizationUnchanged(cps[i], form)) {
        special = true;
        break;
      }
    }
    String text = get();
    if (!special && Normalizer.isNormalized(text, form)) return;

    // D: the per-code-point decompositions, each element remembering the input code point it came from.
    IntList d = new IntList(length * 2), owner = new IntList(length * 2);
    for (int i = 0; i < length; i++) {
      int[] dec = decompose(cps[i], decomposeForm);
      for (int c : dec) {
        d.add(c);
        owner.add(i);
      }
    }
    // T: the normalized text, HF's exceptions kept as they are.
    int[] t = normalizeWithExceptions(form);
    // Match each output code point to the D elements it stands for.
    boolean[] used = new boolean[d.size];
    int p = 0, consumed = 0;
    int[] changes = new int[t.length];
    for (int k = 0; k < t.length; k++) {
      int[] e = compose ? decompose(t[k], decomposeForm) : new int[] {t[k]};
      int maxOwner = -1;
      boolean sequential = p + e.length <= d.size;
      for (int j = 0; sequential && j < e.length; j++) sequential = !used[p + j] && d.a[p + j] == e[j];
      if (sequential) {
        for (int j = 0; j < e.length; j++) {
          used[p + j] = true;
          maxOwner = Math.max(maxOwner, owner.a[p + j]);
        }
      } else {
        for (int c : e) {
          for (int q = 0; q < d.size; q++) {
            if (!used[q] && d.a[q] == c) {
              used[q] = true;
              maxOwner = Math.max(maxOwner, owner.a[q]);
              break;
            }
          }
        }
      }
      while (p < d.size && used[p]) p++;
      int q = maxOwner + 1;
      if (q > consumed) {
        changes[k] = -(q - consumed - 1);
        consumed = q;
      } else {
        changes[k] = 1;
      }
    }
    transform(t, changes, t.length, 0);
  }

  private static int[] decompose(int cp, Normalizer.Form form) {
    if (UnicodeProps.normalizationUnchanged(cp, form)) return new int[] {cp};
    if (cp < 0xC0) {
      if (cp < 0xA0 || form == Normalizer.Form.NFD) return new int[] {cp};
    }
    return Normalizer.normalize(Character.toString(cp), form).codePoints().toArray();
  }

  private int[] normalizeWithExceptions(Normalizer.Form form) {
    IntList out = new IntList(length + 8);
    int segStart = 0;
    for (int i = 0; i <= length; i++) {
      boolean exc = i < length && UnicodeProps.normalizationUnchanged(cps[i], form);
      if (i == length || exc) {
        if (i > segStart) {
          String seg = new String(cps, segStart, i - segStart);
          Normalizer.normalize(seg, form).codePoints().forEach(out::add);
        }
        if (exc) out.add(cps[i]);
        segStart = i + 1;
      }
    }
    return out.toArray();
  }

  // ---------------------------------------------------------------- slicing and splitting

  /** The normalized code points {@code [start, end)} with their alignments. */
  public NormalizedString slice(int start, int end) {
    int n = end - start;
    int os = Integer.MAX_VALUE, oe = Integer.MIN_VALUE;
    for (int i = start; i < end; i++) {
      os = Math.min(os, starts[i]);
      oe = Math.max(oe, ends[i]);
    }
    if (n == 0) {
      os = oe = start < length ? starts[start] : originalEnd;
    }
    return new NormalizedString(Arrays.copyOfRange(cps, start, end), Arrays.copyOfRange(starts, start, end),
        Arrays.copyOfRange(ends, start, end), n, os, oe);
  }

  /**
   * Splits by {@code matches}: ranges that cover the text in order, each flagged as a match of the
   * pattern or not (see {@link SplitPattern}), then groups them as {@code behavior} says.
   */
  public List<NormalizedString> split(List<int[]> matches, SplitBehavior behavior) {
    List<int[]> pieces = new ArrayList<>(); // {start, end, remove}
    switch (behavior) {
      case ISOLATED -> {
        for (int[] m : matches) pieces.add(new int[] {m[0], m[1], 0});
      }
      case REMOVED -> {
        for (int[] m : matches) pieces.add(new int[] {m[0], m[1], m[2]});
      }
      case CONTIGUOUS -> {
        boolean prev = false;
        for (int[] m : matches) {
          boolean isMatch = m[2] == 1;
          if (isMatch == prev && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[1] = m[1];
          else pieces.add(new int[] {m[0], m[1], 0});
          prev = isMatch;
        }
      }
      case MERGED_WITH_PREVIOUS -> {
        boolean prev = false;
        for (int[] m : matches) {
          boolean isMatch = m[2] == 1;
          if (isMatch && !prev && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[1] = m[1];
          else pieces.add(new int[] {m[0], m[1], 0});
          prev = isMatch;
        }
      }
      case MERGED_WITH_NEXT -> {
        boolean prev = false;
        for (int i = matches.size() - 1; i >= 0; i--) {
          int[] m = matches.get(i);
          boolean isMatch = m[2] == 1;
          if (isMatch && !prev && !pieces.isEmpty()) pieces.get(pieces.size() - 1)[0] = m[0];
          else pieces.add(new int[] {m[0], m[1], 0});
          prev = isMatch;
        }
        java.util.Collections.reverse(pieces);
      }
    }
    List<NormalizedString> out = new ArrayList<>(pieces.size());
    for (int[] p : pieces) {
      if (p[2] == 0 && p[1] > p[0]) out.add(slice(p[0], p[1]));
    }
    return out;
  }

  @Override
  public String toString() {
    return "NormalizedString[" + get() + " @" + originalStart + ".." + originalEnd + "]";
  }
}
