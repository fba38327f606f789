package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pattern of {@code tokenizer.json} ({@code {"String": ...}} or {@code {"Regex": ...}}) and the
 * match lists HF's {@code Pattern::find_matches} builds: ranges covering the whole text in order,
 * each {@code {start, end, isMatch}} in code points.
 */
public record TextPattern(String source, boolean regex, Pattern compiled) {

  /** A literal string pattern. */
  public static TextPattern literal(String s) {
    return new TextPattern(s, false, s.isEmpty() ? null : Pattern.compile(Pattern.quote(s)));
  }

  /**
   * A regular expression in HF's (Oniguruma) syntax, run with Java's engine and Unicode character
   * classes ({@code \w} rewritten to Oniguruma's meaning: letter, mark, number or connector).
   * Throws {@link java.util.regex.PatternSyntaxException} when Java cannot read it.
   */
  public static TextPattern regex(String s) {
    return new TextPattern(s, true, Pattern.compile(toJava(s), Pattern.UNICODE_CHARACTER_CLASS));
  }

  private static final String WORD_BASE = "\\p{IsAlphabetic}\\p{M}\\p{N}\\p{Pc}";
  private static final String WORD = "[[" + WORD_BASE + "]&&[^" + HfUnicodeTables.regexClass(HfUnicodeTables.NOT_ONIG_WORD) + "]]";
  private static final String NOT_WORD = "[[^" + WORD_BASE + "][" + HfUnicodeTables.regexClass(HfUnicodeTables.NOT_ONIG_WORD) + "]]";
  private static final String LETTER = "[\\p{L}&&[^" + HfUnicodeTables.regexClass(HfUnicodeTables.NEW_LETTERS) + "]]";
  private static final String NOT_LETTER = "[\\P{L}" + HfUnicodeTables.regexClass(HfUnicodeTables.NEW_LETTERS) + "]";
  private static final String NUMBER = "[\\p{N}&&[^" + HfUnicodeTables.regexClass(HfUnicodeTables.NEW_NUMBERS) + "]]";
  private static final String NOT_NUMBER = "[\\P{N}" + HfUnicodeTables.regexClass(HfUnicodeTables.NEW_NUMBERS) + "]";

  /**
   * Rewrites the classes whose meaning differs between Oniguruma (Unicode 15, as in HF) and Java
   * (Unicode 16): {@code \\w}, {@code \\W}, {@code \\p{L}}, {@code \\p{N}} and their negations, inside
   * or outside brackets.
   */
  static String toJava(String re) {
    StringBuilder sb = new StringBuilder(re.length() + 16);
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c != '\\' || i + 1 >= re.length()) {
        sb.append(c);
        continue;
      }
      char d = re.charAt(i + 1);
      String rest = re.substring(i + 2);
      if (d == 'w') sb.append(WORD);
      else if (d == 'W') sb.append(NOT_WORD);
      else if ((d == 'p' || d == 'P') && (rest.startsWith("{L}") || rest.startsWith("L"))) {
        sb.append(d == 'p' ? LETTER : NOT_LETTER);
        i += rest.startsWith("{") ? 3 : 1;
      } else if ((d == 'p' || d == 'P') && (rest.startsWith("{N}") || rest.startsWith("N"))) {
        sb.append(d == 'p' ? NUMBER : NOT_NUMBER);
        i += rest.startsWith("{") ? 3 : 1;
      } else {
        sb.append(c).append(d);
      }
      i++;
    }
    return sb.toString();
  }

  /** Match list of this pattern over {@code s}. */
  public List<int[]> findMatches(NormalizedString s) {
    List<int[]> out = new ArrayList<>();
    int n = s.length();
    if (n == 0) {
      out.add(new int[] {0, 0, 0});
      return out;
    }
    if (compiled == null) {
      out.add(new int[] {0, n, 0});
      return out;
    }
    String text = s.get();
    int[] cpIndex = codePointIndex(text);
    Matcher m = compiled.matcher(text);
    int prev = 0;
    while (m.find()) {
      int a = cpIndex == null ? m.start() : cpIndex[m.start()];
      int b = cpIndex == null ? m.end() : cpIndex[m.end()];
      if (m.start() == m.end() && !regex) continue;
      if (prev != a) out.add(new int[] {prev, a, 0});
      out.add(new int[] {a, b, 1});
      prev = b;
    }
    if (prev != n) out.add(new int[] {prev, n, 0});
    return out;
  }

  /** Code point index of every UTF-16 index of {@code text}, or null when they are the same. */
  static int[] codePointIndex(String text) {
    boolean supplementary = false;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        supplementary = true;
        break;
      }
    }
    if (!supplementary) return null;
    int[] idx = new int[text.length() + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i++) {
      idx[i] = cp;
      if (!(Character.isLowSurrogate(text.charAt(i)) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) cp++;
      else idx[i] = cp - 1;
    }
    idx[text.length()] = cp;
    return idx;
  }

  /** Match list where every code point {@code p} accepts is a match of its own. */
  public static List<int[]> charMatches(NormalizedString s, IntPredicate p) {
    List<int[]> out = new ArrayList<>();
    int n = s.length();
    if (n == 0) {
      out.add(new int[] {0, 0, 0});
      return out;
    }
    int last = 0;
    for (int i = 0; i < n; i++) {
      if (p.test(s.codePointAt(i))) {
        if (last < i) out.add(new int[] {last, i, 0});
        out.add(new int[] {i, i + 1, 1});
        last = i + 1;
      }
    }
    if (n > last) out.add(new int[] {last, n, 0});
    return out;
  }

  /** The same ranges with the match flags flipped (HF's {@code Invert}). */
  public static List<int[]> invert(List<int[]> matches) {
    List<int[]> out = new ArrayList<>(matches.size());
    for (int[] m : matches) out.add(new int[] {m[0], m[1], 1 - m[2]});
    return out;
  }
}
