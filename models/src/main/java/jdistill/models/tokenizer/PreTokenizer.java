package jdistill.models.tokenizer;

import java.util.List;

/**
 * Cuts normalized text into pieces the model tokenizes one by one (the {@code pre_tokenizer} of
 * {@code tokenizer.json}).
 */
public sealed interface PreTokenizer permits ByteLevelPreTokenizer, PreTokenizer.Bert, PreTokenizer.Whitespace,
    PreTokenizer.WhitespaceSplit, PreTokenizer.Sequence, PreTokenizer.Split, PreTokenizer.Punctuation,
    PreTokenizer.Digits, PreTokenizer.CharDelimiterSplit {

  /** Splits the untokenized pieces of {@code p}. */
  void preTokenize(PreTokenizedString p);

  /** BERT's: split on whitespace (dropped), then on every punctuation character (kept alone). */
  record Bert() implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> s.split(TextPattern.charMatches(s, UnicodeProps::isWhitespace), SplitBehavior.REMOVED));
      p.split(s -> s.split(TextPattern.charMatches(s, UnicodeProps::isBertPunctuation), SplitBehavior.ISOLATED));
    }
  }

  /**
   * Runs of word characters and runs of other non-space characters ({@code \w+|[^\w\s]+}), with the
   * Rust {@code regex} crate's {@code \w} as HF uses.
   */
  record Whitespace() implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> s.split(TextPattern.invert(wordMatches(s)), SplitBehavior.REMOVED));
    }

    private static List<int[]> wordMatches(NormalizedString s) {
      // \w and \s as HF's regex sees them, scanned by hand: runs of word characters, runs of others.
      List<int[]> out = new java.util.ArrayList<>();
      int n = s.length();
      if (n == 0) {
        out.add(new int[] {0, 0, 0});
        return out;
      }
      int i = 0, prev = 0;
      while (i < n) {
        int c = s.codePointAt(i);
        if (UnicodeProps.isWhitespace(c)) {
          i++;
          continue;
        }
        boolean word = UnicodeProps.isRegexWord(c);
        int e = i + 1;
        while (e < n) {
          int d = s.codePointAt(e);
          if (UnicodeProps.isWhitespace(d) || UnicodeProps.isRegexWord(d) != word) break;
          e++;
        }
        if (prev != i) out.add(new int[] {prev, i, 0});
        out.add(new int[] {i, e, 1});
        prev = i = e;
      }
      if (prev != n) out.add(new int[] {prev, n, 0});
      return out;
    }
  }

  /** Split on whitespace, dropping it. */
  record WhitespaceSplit() implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> s.split(TextPattern.charMatches(s, UnicodeProps::isWhitespace), SplitBehavior.REMOVED));
    }
  }

  /** Several pre-tokenizers in order. */
  record Sequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {
    /** Copies the list. */
    public Sequence {
      preTokenizers = List.copyOf(preTokenizers);
    }

    @Override
    public void preTokenize(PreTokenizedString p) {
      for (PreTokenizer t : preTokenizers) t.preTokenize(p);
    }
  }

  /** Split on a pattern with the given behavior; {@code invert} splits on what does not match. */
  record Split(TextPattern pattern, SplitBehavior behavior, boolean invert) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> {
        List<int[]> m = pattern.findMatches(s);
        return s.split(invert ? TextPattern.invert(m) : m, behavior);
      });
    }
  }

  /** Split on punctuation characters (ASCII or Unicode P*), with the given behavior. */
  record Punctuation(SplitBehavior behavior) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> s.split(TextPattern.charMatches(s, UnicodeProps::isBertPunctuation), behavior));
    }
  }

  /** Split digits from the rest: each digit alone, or runs of digits together. */
  record Digits(boolean individualDigits) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      SplitBehavior b = individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
      p.split(s -> s.split(TextPattern.charMatches(s, UnicodeProps::isRustNumeric), b));
    }
  }

  /** Split on one delimiter character, dropping it. */
  record CharDelimiterSplit(int delimiter) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString p) {
      p.split(s -> s.split(TextPattern.charMatches(s, c -> c == delimiter), SplitBehavior.REMOVED));
    }
  }
}
