package jdistill.models.tokenizer;

import java.util.List;

/**
 * A text normalization step of a tokenizer (the {@code normalizer} of {@code tokenizer.json}). It
 * changes a {@link NormalizedString} in place, keeping track of where each character came from.
 */
public sealed interface Normalizer permits BertNormalizer, Normalizer.Unicode, Normalizer.Lowercase,
    Normalizer.StripAccents, Normalizer.Sequence, Normalizer.Replace, Normalizer.Strip, Normalizer.Prepend {

  /** Normalizes {@code s} in place. */
  void normalize(NormalizedString s);

  /** Unicode normalization form NFD, NFC, NFKD or NFKC ({@code {"type": "NFC"}} ...). */
  record Unicode(java.text.Normalizer.Form form) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      s.normalize(form);
    }
  }

  /** Lowercasing, code point by code point ({@code {"type": "Lowercase"}}). */
  record Lowercase() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      s.lowercase();
    }
  }

  /** Removal of combining marks, as HF's {@code StripAccents} (use after NFD). */
  record StripAccents() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      s.filter(c -> !UnicodeProps.isCombiningMark(c));
    }
  }

  /** Several normalizers in order. */
  record Sequence(List<Normalizer> normalizers) implements Normalizer {
    /** Copies the list. */
    public Sequence {
      normalizers = List.copyOf(normalizers);
    }

    @Override
    public void normalize(NormalizedString s) {
      for (Normalizer n : normalizers) n.normalize(s);
    }
  }

  /** Replaces every match of a pattern by {@code content}. */
  record Replace(TextPattern pattern, String content) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      List<int[]> matches = new java.util.ArrayList<>();
      for (int[] m : pattern.findMatches(s)) if (m[2] == 1) matches.add(m);
      s.replace(matches, content);
    }
  }

  /** Removes whitespace at the left and/or right end. */
  record Strip(boolean left, boolean right) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      s.strip(left, right);
    }
  }

  /** Prepends a string to non-empty text. */
  record Prepend(String prepend) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
      s.prepend(prepend);
    }
  }
}
