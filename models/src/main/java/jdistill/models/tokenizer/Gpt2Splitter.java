package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2's pre-tokenization regex, as a hand-written scanner that gives the same pieces:
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}.
 * Every code point belongs to some piece, so the pieces cover the text.
 */
public final class Gpt2Splitter {
  private static final int WS = 0, LETTER = 1, NUMBER = 2, OTHER = 3;

  private Gpt2Splitter() {}

  private static int classOf(int cp) {
    if (cp < 0x80) {
      if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return LETTER;
      if (cp >= '0' && cp <= '9') return NUMBER;
      if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return WS;
      return OTHER;
    }
    if (UnicodeProps.isWhitespace(cp)) return WS;
    if (UnicodeProps.isLetter(cp)) return LETTER;
    if (UnicodeProps.isNumber(cp)) return NUMBER;
    return OTHER;
  }

  /** Match list ({@code {start, end, 1}} per piece) over the code points of {@code s}. */
  public static List<int[]> findMatches(NormalizedString s) {
    int n = s.length();
    List<int[]> out = new ArrayList<>();
    if (n == 0) {
      out.add(new int[] {0, 0, 0});
      return out;
    }
    int[] cls = new int[n];
    for (int i = 0; i < n; i++) cls[i] = classOf(s.codePointAt(i));
    int i = 0;
    while (i < n) {
      int c = s.codePointAt(i);
      if (c == '\'' && i + 1 < n) {
        int c1 = s.codePointAt(i + 1);
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
          out.add(new int[] {i, i + 2, 1});
          i += 2;
          continue;
        }
        if (i + 2 < n) {
          int c2 = s.codePointAt(i + 2);
          if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
            out.add(new int[] {i, i + 3, 1});
            i += 3;
            continue;
          }
        }
      }
      int j = i;
      if (c == ' ' && i + 1 < n && cls[i + 1] != WS) j = i + 1;
      int k = cls[j];
      if (k != WS) {
        int e = j + 1;
        while (e < n && cls[e] == k) e++;
        out.add(new int[] {i, e, 1});
        i = e;
        continue;
      }
      int e = i;
      while (e < n && cls[e] == WS) e++;
      if (e == n) out.add(new int[] {i, n, 1});
      else if (e - i >= 2) e = addAndReturn(out, i, e - 1);
      else out.add(new int[] {i, e, 1});
      i = e;
    }
    return out;
  }

  private static int addAndReturn(List<int[]> out, int a, int b) {
    out.add(new int[] {a, b, 1});
    return b;
  }
}
