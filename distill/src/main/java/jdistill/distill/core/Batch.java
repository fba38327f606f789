package jdistill.distill.core;

import jdistill.engine.Tensor;

/**
 * One training or evaluation batch, already tokenised and padded.
 *
 * @param inputIds [B, S] token ids (I64)
 * @param attentionMask [B, S] 1 for tokens, 0 for padding (I64)
 * @param tokenTypeIds [B, S] segment ids, or null
 * @param labels class ids [B] (classification), regression targets [B] (F32), or token targets
 *     [B, S] with -100 where ignored (language modelling); null when the task has none
 */
public record Batch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {

  /** Number of examples. */
  public int size() {
    return inputIds.shape(0);
  }

  /** Padded sequence length. */
  public int length() {
    return inputIds.shape(1);
  }
}
