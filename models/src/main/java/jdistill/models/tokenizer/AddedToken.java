package jdistill.models.tokenizer;

/**
 * A token matched in the raw text before the model runs (HF's {@code AddedToken}).
 *
 * @param content the text of the token
 * @param singleWord only match when not inside a word
 * @param lstrip the match takes in the whitespace before it
 * @param rstrip the match takes in the whitespace after it
 * @param normalized match against the normalized text (else the raw text)
 * @param special a special token: skipped by {@code decode(ids, true)}
 */
public record AddedToken(String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
    boolean special) {

  /** A special token as tokenizers usually declare them: matched in raw text, no stripping. */
  public static AddedToken special(String content) {
    return new AddedToken(content, false, false, false, false, true);
  }
}
