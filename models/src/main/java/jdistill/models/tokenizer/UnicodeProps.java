package jdistill.models.tokenizer;

import java.text.Normalizer;

/**
 * The character tests and mappings of Hugging Face {@code tokenizers}, answered the way HF answers
 * them (see {@link HfUnicodeTables} for why Java's own answers are not always the same).
 */
public final class UnicodeProps {
  private UnicodeProps() {}

  /** The code points of {@code s} (a faster {@code s.codePoints().toArray()}). */
  public static int[] codePoints(String s) {
    int n = s.length();
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < n; ) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out[k++] = Character.toCodePoint(c, s.charAt(i + 1));
        i += 2;
      } else {
        out[k++] = c;
        i++;
      }
    }
    return k == n ? out : java.util.Arrays.copyOf(out, k);
  }

  /** Rust's {@code char::is_whitespace}: the Unicode White_Space property. */
  public static boolean isWhitespace(int cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  }

  /** True for the characters BERT's {@code clean_text} drops: NUL, U+FFFD and control/format/private use. */
  public static boolean isCleanTextRemoved(int cp) {
    if (cp < 0x80) return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F;
    return cp == 0xFFFD || HfUnicodeTables.contains(HfUnicodeTables.CLEAN_TEXT_REMOVED, cp);
  }

  /** Rust's {@code char::is_ascii_punctuation}. */
  public static boolean isAsciiPunctuation(int cp) {
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60)
        || (cp >= 0x7B && cp <= 0x7E);
  }

  /** BERT's punctuation test: ASCII punctuation or a Unicode P* category (HF's tables). */
  public static boolean isBertPunctuation(int cp) {
    if (cp < 0x80) return isAsciiPunctuation(cp);
    return HfUnicodeTables.contains(HfUnicodeTables.BERT_PUNCTUATION, cp);
  }

  /** The accent test of BERT's {@code strip_accents}: a nonspacing mark by HF's table. */
  public static boolean isBertNonspacingMark(int cp) {
    return cp >= 0x300 && HfUnicodeTables.contains(HfUnicodeTables.BERT_NONSPACING_MARK, cp);
  }

  /** The accent test of HF's {@code StripAccents} normalizer: any combining mark by HF's table. */
  public static boolean isCombiningMark(int cp) {
    return cp >= 0x300 && HfUnicodeTables.contains(HfUnicodeTables.COMBINING_MARK, cp);
  }

  /**
   * BERT's CJK ideograph test, with HF's ranges (which start the fifth range at U+2B920 where the
   * original BERT code has U+2B820).
   */
  public static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /** Oniguruma's {@code \p{L}} as HF's regexes see it. */
  public static boolean isLetter(int cp) {
    return Character.isLetter(cp) && (cp < 0x1C89 || !HfUnicodeTables.contains(HfUnicodeTables.NEW_LETTERS, cp));
  }

  /** Oniguruma's {@code \p{N}} as HF sees it. */
  public static boolean isNumber(int cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    int t = Character.getType(cp);
    boolean n = t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    return n && !HfUnicodeTables.contains(HfUnicodeTables.NEW_NUMBERS, cp);
  }

  /** Rust's {@code char::is_numeric} (Nd, Nl, No) as HF sees it (Unicode 15). */
  public static boolean isRustNumeric(int cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    int t = Character.getType(cp);
    boolean n = t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    return n && !HfUnicodeTables.contains(HfUnicodeTables.UNICODE16_NUMBERS, cp);
  }

  /** A mark (Mn, Mc or Me) by Java's tables. */
  public static boolean isMark(int cp) {
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
  }

  /**
   * The Rust {@code regex} crate's {@code \w} (Unicode 16, like Java): alphabetic, mark, decimal
   * digit, connector or join control. Used by the Whitespace pre-tokenizer and {@code single_word}.
   */
  public static boolean isRegexWord(int cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
    int t = Character.getType(cp);
    return Character.isAlphabetic(cp) || isMark(cp) || t == Character.DECIMAL_DIGIT_NUMBER
        || t == Character.CONNECTOR_PUNCTUATION || cp == 0x200C || cp == 0x200D;
  }

  /** Rust's {@code char::to_lowercase}, written into {@code out}; returns the number of code points (1 or 2). */
  public static int toLowerCase(int cp, int[] out) {
    if (cp < 0x80) {
      out[0] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
      return 1;
    }
    if (cp == 0x130) {
      out[0] = 'i';
      out[1] = 0x307;
      return 2;
    }
    int lower = Character.toLowerCase(cp);
    out[0] = lower != cp && HfUnicodeTables.contains(HfUnicodeTables.LOWERCASE_UNCHANGED, cp) ? cp : lower;
    return 1;
  }

  /** True when HF's normalization tables leave {@code cp} alone under {@code form} though Java's would not. */
  static boolean normalizationUnchanged(int cp, Normalizer.Form form) {
    if (cp < 0x32FF) return false;
    return switch (form) {
      case NFD -> HfUnicodeTables.contains(HfUnicodeTables.NFD_UNCHANGED, cp);
      case NFKD -> HfUnicodeTables.contains(HfUnicodeTables.NFKD_UNCHANGED, cp);
      case NFKC -> HfUnicodeTables.contains(HfUnicodeTables.NFKC_UNCHANGED, cp);
      case NFC -> false;
    };
  }
}
