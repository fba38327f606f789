package jdistill.distill.data;

/**
 * How examples are grouped into batches each epoch.
 *
 * @param batchSize examples per batch
 * @param shuffle shuffle each epoch (training) or keep the data order (evaluation)
 * @param bucketBatches length bucketing: sort chunks of this many batches by length so a batch
 *     holds examples of similar length, then shuffle the batches; 1 for no bucketing
 * @param dropLast drop a last batch smaller than {@code batchSize}
 * @param seed the seed the order of every epoch derives from
 */
public record SamplerConfig(int batchSize, boolean shuffle, int bucketBatches, boolean dropLast, long seed) {

  public SamplerConfig {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    if (bucketBatches < 1) throw new IllegalArgumentException("bucket size must be >= 1 batch, got " + bucketBatches);
  }

  /** Shuffled training batches, bucketed by length over chunks of {@code bucketBatches}. */
  public static SamplerConfig training(int batchSize, int bucketBatches, long seed) {
    return new SamplerConfig(batchSize, true, bucketBatches, false, seed);
  }

  /** Batches in data order, every example once. */
  public static SamplerConfig sequential(int batchSize) {
    return new SamplerConfig(batchSize, false, 1, false, 0);
  }

  /** Number of batches in an epoch of {@code n} examples. */
  public int batchesPerEpoch(int n) {
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }
}
