package jdistill.distill.data;

import jdistill.distill.core.Batch;

/**
 * An endless, deterministic sequence of training batches, epoch after epoch. Its whole state is a
 * {@link DataPosition}: saving {@link #position()} and later calling {@link #restore} on a source
 * built the same way (same data, builder and sampler config) continues with the same batches.
 */
public interface BatchSource {

  /** The next batch; moves to the next epoch after the last batch of one. */
  Batch next();

  /** Where the next call to {@link #next()} reads from. */
  DataPosition position();

  /** Continue from {@code position} (as {@link #position()} returned it). */
  void restore(DataPosition position);

  /** Batches in each epoch. */
  int batchesPerEpoch();
}
