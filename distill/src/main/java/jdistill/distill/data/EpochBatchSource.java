package jdistill.distill.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import jdistill.distill.core.Batch;
import jdistill.engine.CounterRng;

/**
 * The {@link BatchSource} over a list of encoded examples: each epoch's batches come from
 * {@link EpochPlan} and each batch's masking seed from (seed, epoch, index), so any position can
 * be restored without replaying the ones before it.
 */
public final class EpochBatchSource implements BatchSource {

  private static final long MASK_STREAM = 0x6D61736B5F6C6DL;

  private final List<EncodedExample> examples;
  private final BatchBuilder builder;
  private final SamplerConfig config;
  private final int[] lengths;
  private final int perEpoch;
  private int epoch;
  private int index;
  private int[][] plan;
  private int planEpoch = -1;

  public EpochBatchSource(List<EncodedExample> examples, BatchBuilder builder, SamplerConfig config) {
    this.examples = List.copyOf(examples);
    this.builder = builder;
    this.config = config;
    this.lengths = new int[examples.size()];
    for (int i = 0; i < lengths.length; i++) lengths[i] = examples.get(i).length();
    this.perEpoch = config.batchesPerEpoch(examples.size());
    if (perEpoch == 0) {
      throw new IllegalArgumentException(examples.size() + " examples make no batch of " + config.batchSize() + (config.dropLast() ? " (the last partial batch is dropped)" : ""));
    }
  }

  @Override
  public Batch next() {
    if (index == perEpoch) {
      epoch++;
      index = 0;
    }
    Batch b = batch(epoch, index);
    index++;
    return b;
  }

  /** The example indices of batch {@code index} of {@code epoch} (for tests and diagnostics). */
  public int[] indices(int epoch, int index) {
    return plan(epoch)[index].clone();
  }

  private Batch batch(int epoch, int index) {
    int[] idx = plan(epoch)[index];
    List<EncodedExample> items = new ArrayList<>(idx.length);
    for (int i : idx) items.add(examples.get(i));
    return builder.build(items, CounterRng.bits(CounterRng.bits(config.seed() ^ MASK_STREAM, epoch), index));
  }

  private int[][] plan(int epoch) {
    if (planEpoch != epoch) {
      plan = EpochPlan.batches(lengths, config, epoch);
      planEpoch = epoch;
    }
    return plan;
  }

  @Override
  public DataPosition position() {
    return index == perEpoch ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, index);
  }

  @Override
  public void restore(DataPosition position) {
    if (position.index() >= perEpoch) {
      throw new IllegalArgumentException("cannot restore to " + position + ": an epoch has " + perEpoch + " batches (0 to " + (perEpoch - 1) + ")");
    }
    this.epoch = position.epoch();
    this.index = position.index();
  }

  @Override
  public int batchesPerEpoch() {
    return perEpoch;
  }

  /**
   * One pass over {@code examples} in data order (evaluation), building each batch as it is
   * reached; masking seeds are those of epoch 0 under {@code seed}.
   */
  public static Iterable<Batch> onePass(List<EncodedExample> examples, BatchBuilder builder, int batchSize, long seed) {
    SamplerConfig config = new SamplerConfig(batchSize, false, 1, false, seed);
    return () -> new Iterator<>() {
      private final EpochBatchSource source = new EpochBatchSource(examples, builder, config);
      private int k;

      @Override
      public boolean hasNext() {
        return k < source.perEpoch;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        return source.batch(0, k++);
      }
    };
  }
}
