package jdistill.distill.data;

/**
 * Where a {@link BatchSource} stands: the batch {@code next()} returns next is batch {@code index}
 * of epoch {@code epoch}. Saved in checkpoints; restoring it continues the same sequence.
 */
public record DataPosition(int epoch, int index) {

  public DataPosition {
    if (epoch < 0 || index < 0) throw new IllegalArgumentException("epoch and index must be >= 0, got epoch " + epoch + ", index " + index);
  }

  /** The start of training. */
  public static DataPosition start() {
    return new DataPosition(0, 0);
  }

  @Override
  public String toString() {
    return "epoch " + epoch + ", batch " + index;
  }
}
