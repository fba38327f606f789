package jdistill.distill.data;

/** What a batch's labels are, which decides how {@link BatchBuilder} builds them. */
public enum Task {
  /** Class ids, [B] I64. */
  SEQUENCE_CLASSIFICATION,
  /** Regression targets, [B] F32. */
  REGRESSION,
  /** Next-token targets, [B, S] I64: the input ids with -100 at padding (the model shifts them). */
  CAUSAL_LM,
  /** Masked-token targets, [B, S] I64: the original id where a token was selected, -100 elsewhere. */
  MASKED_LM,
  /** No labels (distillation on unlabelled text); the batch's labels are null. */
  NONE
}
