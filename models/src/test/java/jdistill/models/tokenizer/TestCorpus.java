package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of awkward text for parity tests: prose, accents, CJK, emoji, control and
 * zero-width characters, very long words, numbers, punctuation runs, empty lines, many scripts,
 * combining marks, odd spaces, special-token look-alikes and random code points from every plane.
 */
final class TestCorpus {
  private TestCorpus() {}

  private static final String[] WORDS = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "distillation", "teacher", "student",
    "transformer", "attention", "isn't", "we'll", "they're", "I'm", "you've", "she'd", "it's", "DON'T", "O'Neil",
    "unbelievable", "tokenization", "HuggingFace", "GPT-2", "BERT", "e-mail", "co-operate", "state-of-the-art",
    "naïve", "café", "résumé", "Ångström", "façade", "Zürich", "São", "Paulo", "Ελληνικά", "Москва", "İstanbul",
    "straße", "ÉCOLE", "ΣΟΦΊΑ", "ĳssel", "ﬁnance", "½", "x²", "Ⅻ", "①", "Ｆｕｌｌｗｉｄｔｈ", "ｶﾀｶﾅ", "™", "℃",
    "東京", "北京大学", "日本語", "中文字符", "한국어", "ひらがな", "カタカナ", "ไทย", "हिन्दी", "العربية", "עברית",
    "😀", "🥰", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🫠", "❤️", "🤖", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠜎", "𪚥",
  };

  private static final String[] PIECES = {
    "\u0000", "\u0001", "\u0007", "\t", "\n", "\r", "\u000B", "\u000C", "\u001F", "\u007F", "\u0085", "\u00A0",
    "\u00AD", "\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u2028", "\u2029", "\u202E", "\u2060", "\uFEFF",
    "\uFFFD", "\u1680", "\u2003", "\u3000", "\u202F", "\u0301", "\u0308", "\u0323", "\u0489", "\u20DD", "\uE000",
    "\uDB80\uDC00", "!!!", "???", "...", "---", "''", "\"\"", "()", "[]", "{}", "@#$%^&*", "~`|\\", "«»", "“”", "¿¡",
    "—", "…", "。", "、", "！", "？", "؟", "।", "  ", "   ", " \n ", "\t\t",
    "[CLS]", "[SEP]", "[MASK]", "[mask]", "[UNK]", "[PAD]", "<|endoftext|>", "<s>", "</s>",
    "3.14159", "1,000,000", "2024-01-01", "007", "٣٤٥", "१२३", "12:30", "+49", "-0.5e-10", "0x1F",
  };

  /** {@code n} lines from seed {@code seed}. */
  static List<String> lines(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(line(r, i));
    return out;
  }

  private static String line(SplittableRandom r, int i) {
    switch (i % 16) {
      case 0 -> {
        return "";
      }
      case 1 -> {
        return r.nextBoolean() ? "   " : " \t \n ";
      }
      case 2 -> {
        StringBuilder sb = new StringBuilder();
        int len = 101 + r.nextInt(60);
        for (int k = 0; k < len; k++) sb.append((char) ('a' + r.nextInt(26)));
        if (r.nextBoolean()) sb.append(' ').append(sb.substring(0, 99));
        return sb.toString();
      }
      case 3 -> {
        return randomCodePoints(r, 1 + r.nextInt(30));
      }
      case 4 -> {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 12; k++) sb.appendCodePoint(pick(r, PIECES).codePointAt(0)).append(r.nextBoolean() ? "" : "a");
        return sb.toString();
      }
      case 5 -> {
        // combining marks on many bases, in canonical and non-canonical order
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
          sb.append((char) ('a' + r.nextInt(26)));
          for (int m = r.nextInt(4); m > 0; m--) sb.appendCodePoint(0x300 + r.nextInt(0x70));
          if (r.nextInt(4) == 0) sb.append(' ');
        }
        return sb.toString();
      }
      default -> {
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(24);
        for (int k = 0; k < len; k++) {
          int kind = r.nextInt(10);
          if (kind < 6) sb.append(pick(r, WORDS));
          else if (kind < 9) sb.append(pick(r, PIECES));
          else sb.append(randomCodePoints(r, 1 + r.nextInt(3)));
          int sep = r.nextInt(8);
          sb.append(sep < 5 ? " " : sep == 5 ? "" : sep == 6 ? ", " : "  ");
        }
        return r.nextInt(5) == 0 ? sb.toString().strip() : sb.toString();
      }
    }
  }

  private static String pick(SplittableRandom r, String[] a) {
    return a[r.nextInt(a.length)];
  }

  /** Random code points: mostly from common blocks, some from anywhere (never surrogates). */
  static String randomCodePoints(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < n; k++) {
      int cp;
      int kind = r.nextInt(6);
      if (kind == 0) cp = r.nextInt(0x80);
      else if (kind == 1) cp = 0x80 + r.nextInt(0x780);
      else if (kind == 2) cp = 0x800 + r.nextInt(0xF800);
      else if (kind == 3) cp = 0x1F300 + r.nextInt(0x700);
      else if (kind == 4) cp = 0x10000 + r.nextInt(0x20000);
      else cp = r.nextInt(0x110000);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000 + (cp & 0xFF);
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }
}
