package jdistill.distill.data;

import java.util.Arrays;
import java.util.Comparator;
import jdistill.engine.CounterRng;
import jdistill.engine.Rng;

/**
 * The batches of one epoch as lists of example indices, a pure function of (lengths, config,
 * epoch). Shuffled: permute the examples with the epoch's generator; with bucketing, sort each
 * chunk of {@code bucketBatches} batches by length (stable), cut into batches and permute the
 * batches. Sequential: data order, chunks still sorted when bucketing.
 */
final class EpochPlan {

  private EpochPlan() {}

  static int[][] batches(int[] lengths, SamplerConfig c, int epoch) {
    int n = lengths.length;
    Integer[] order = new Integer[n];
    Rng rng = new Rng(CounterRng.bits(c.seed(), epoch));
    if (c.shuffle()) {
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) perm[i] = i;
      rng.shuffle(perm);
      for (int i = 0; i < n; i++) order[i] = perm[i];
    } else {
      for (int i = 0; i < n; i++) order[i] = i;
    }
    if (c.bucketBatches() > 1) {
      int chunk = c.bucketBatches() * c.batchSize();
      Comparator<Integer> byLength = Comparator.comparingInt(i -> lengths[i]);
      for (int start = 0; start < n; start += chunk) Arrays.sort(order, start, Math.min(n, start + chunk), byLength);
    }
    int count = c.batchesPerEpoch(n);
    int[][] batches = new int[count][];
    for (int k = 0; k < count; k++) {
      int from = k * c.batchSize();
      int to = Math.min(n, from + c.batchSize());
      batches[k] = new int[to - from];
      for (int i = from; i < to; i++) batches[k][i - from] = order[i];
    }
    if (c.shuffle() && c.bucketBatches() > 1) {
      int[] perm = new int[count];
      for (int i = 0; i < count; i++) perm[i] = i;
      rng.shuffle(perm);
      int[][] shuffled = new int[count][];
      for (int i = 0; i < count; i++) shuffled[i] = batches[perm[i]];
      batches = shuffled;
    }
    return batches;
  }
}
