package jdistill.distill.train;

/**
 * Where a {@link BatchSource} stands: the epoch and the index, within that epoch's order, of the
 * batch the next {@link BatchSource#next()} returns. Together with the source's seed this is the
 * whole data state a checkpoint needs.
 */
public record DataPosition(long epoch, long batch) {

  public DataPosition {
    if (epoch < 0 || batch < 0) throw new IllegalArgumentException("data position must be non-negative, got epoch " + epoch + ", batch " + batch);
  }

  /** The start of the run: epoch 0, batch 0. */
  public static DataPosition start() {
    return new DataPosition(0, 0);
  }

  /** The first batch of the next epoch. */
  public DataPosition nextEpoch() {
    return new DataPosition(epoch + 1, 0);
  }
}
