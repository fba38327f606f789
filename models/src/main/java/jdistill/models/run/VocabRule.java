package jdistill.models.run;

/** How the tokenizer's vocabulary must relate to the model's {@code vocab_size}. */
public enum VocabRule {
  /** The tokenizer's ids are exactly 0 .. vocab_size-1 in count: one embedding row per token. */
  EXACT,
  /**
   * The model may have more rows than the tokenizer has ids (vocabularies padded to a multiple of
   * 64 and the like); a tokenizer id beyond the model is still an error.
   */
  MODEL_MAY_BE_LARGER
}
