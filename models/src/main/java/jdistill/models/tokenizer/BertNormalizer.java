package jdistill.models.tokenizer;

import java.text.Normalizer.Form;

/**
 * BERT's normalizer: clean the text (drop control characters, NUL and U+FFFD; whitespace becomes
 * a space), put spaces around CJK ideographs, strip accents (NFD, then drop marks; by default when
 * lowercasing) and lowercase, each as configured.
 *
 * @param stripAccents null to follow {@code lowercase}, as HF
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase)
    implements Normalizer {

  /** BERT uncased: everything on. */
  public static BertNormalizer uncased() {
    return new BertNormalizer(true, true, null, true);
  }

  @Override
  public void normalize(NormalizedString s) {
    if (cleanText || handleChineseChars) {
      // One pass for both: every kept character keeps its own alignment, as in HF's two passes.
      s.replaceEach((c, out) -> {
        if (cleanText) {
          if (UnicodeProps.isCleanTextRemoved(c)) return 0;
          if (UnicodeProps.isWhitespace(c)) c = ' ';
        }
        if (handleChineseChars && UnicodeProps.isChineseChar(c)) {
          out[0] = ' ';
          out[1] = c;
          out[2] = ' ';
          return 3;
        }
        out[0] = c;
        return 1;
      });
    }
    if (stripAccents != null ? stripAccents : lowercase) {
      s.normalize(Form.NFD);
      s.filter(c -> !UnicodeProps.isBertNonspacingMark(c));
    }
    if (lowercase) s.lowercase();
  }
}
