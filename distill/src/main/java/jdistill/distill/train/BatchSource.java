package jdistill.distill.train;

import jdistill.distill.core.Batch;

/**
 * Training batches, epoch after epoch, in an order that depends only on the source's own seed and
 * the epoch number, so that a saved {@link DataPosition} replays exactly the same batches after a
 * resume. The trainer calls {@link #next()} until it returns null, then seeks to the next epoch.
 */
public interface BatchSource {

  /**
   * The batch at {@link #position()}, advancing the position by one; null when the epoch has no
   * more batches. Tensors of a returned batch may be created in the caller's open scope (the
   * trainer opens one per micro-batch) or be long-lived.
   */
  Batch next();

  /** Where the next {@link #next()} reads. */
  DataPosition position();

  /** Moves so that the next {@link #next()} returns the batch at {@code position}. */
  void seek(DataPosition position);

  /** Batches in one epoch, or -1 when unknown (streamed data); used for progress and epoch counts only. */
  default long batchesPerEpoch() {
    return -1;
  }
}
