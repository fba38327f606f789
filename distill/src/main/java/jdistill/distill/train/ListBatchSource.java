package jdistill.distill.train;

import java.util.List;
import jdistill.distill.core.Batch;
import jdistill.distill.data.BatchSource;
import jdistill.distill.data.DataPosition;
import jdistill.engine.Rng;

/**
 * A {@link BatchSource} over batches already in memory, optionally reshuffled every epoch by a
 * permutation drawn from {@code (seed, epoch)} alone, so any position can be sought directly.
 * The batches' tensors must be long-lived (created with no scope open).
 */
public final class ListBatchSource implements BatchSource {

  private final List<Batch> batches;
  private final boolean shuffle;
  private final long seed;
  private int[] order;
  private int epoch = -1;
  private int index;

  /** Batches in {@code batches}; with {@code shuffle} each epoch visits them in a fresh order derived from {@code seed}. */
  public ListBatchSource(List<Batch> batches, boolean shuffle, long seed) {
    if (batches.isEmpty()) throw new IllegalArgumentException("a batch source needs at least one batch");
    this.batches = List.copyOf(batches);
    this.shuffle = shuffle;
    this.seed = seed;
    restore(DataPosition.start());
  }

  /** The batch at {@link #position()}; after an epoch's last batch the next epoch begins. */
  @Override
  public Batch next() {
    if (index >= batches.size()) restore(new DataPosition(epoch + 1, 0));
    return batches.get(order[index++]);
  }

  @Override
  public DataPosition position() {
    return new DataPosition(epoch, index);
  }

  @Override
  public void restore(DataPosition position) {
    if (position.index() > batches.size()) {
      throw new IllegalArgumentException("data position " + position + " is past the end of an epoch of " + batches.size() + " batches");
    }
    if (position.epoch() != epoch) {
      order = orderOf(position.epoch());
      epoch = position.epoch();
    }
    index = position.index();
  }

  @Override
  public int batchesPerEpoch() {
    return batches.size();
  }

  private int[] orderOf(int e) {
    int[] o = new int[batches.size()];
    for (int i = 0; i < o.length; i++) o[i] = i;
    if (shuffle) new Rng(seed * 0x9E3779B97F4A7C15L + e).shuffle(o);
    return o;
  }
}
