package jdistill.distill.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdistill.distill.core.Batch;
import jdistill.engine.Rng;
import org.junit.jupiter.api.Test;

class BatchSourceTest {

  private static final WordEncoder ENC = WordEncoder.bert(200);

  /** n examples of lengths 3..40 (random), token i+5 first so each example is recognisable. */
  private static List<EncodedExample> examples(int n) {
    Rng rng = new Rng(3);
    List<EncodedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 3 + rng.nextInt(38);
      int[] ids = new int[len];
      ids[0] = WordEncoder.CLS;
      ids[1] = WordEncoder.FIRST + i;
      for (int j = 2; j < len - 1; j++) ids[j] = WordEncoder.FIRST + rng.nextInt(200);
      ids[len - 1] = WordEncoder.SEP;
      out.add(new EncodedExample(ids, new int[len], i % 3, Float.NaN));
    }
    return out;
  }

  private static EpochBatchSource source(List<EncodedExample> ex, Task task, SamplerConfig config) {
    return new EpochBatchSource(ex, new BatchBuilder(task, ENC, false), config);
  }

  private static String fingerprint(Batch b) {
    return Arrays.toString(b.inputIds().toLongArray()) + Arrays.toString(b.labels().toLongArray());
  }

  @Test
  void bucketingKeepsEveryExampleExactlyOncePerEpochAndGroupsByLength() {
    List<EncodedExample> ex = examples(103);
    SamplerConfig config = SamplerConfig.training(8, 4, 42);
    EpochBatchSource src = source(ex, Task.SEQUENCE_CLASSIFICATION, config);
    assertEquals(13, src.batchesPerEpoch());
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] seen = new int[ex.size()];
      for (int k = 0; k < src.batchesPerEpoch(); k++) {
        int[] idx = src.indices(epoch, k);
        for (int i = 0; i < idx.length; i++) {
          seen[idx[i]]++;
          // a batch is a slice of a length-sorted chunk
          if (i > 0) assertTrue(ex.get(idx[i - 1]).length() <= ex.get(idx[i]).length());
        }
      }
      for (int i = 0; i < seen.length; i++) assertEquals(1, seen[i], "example " + i + " in epoch " + epoch);
    }
    // and the batches the source returns are those indices' examples, in that order
    Batch first = src.next();
    int[] idx = src.indices(0, 0);
    long[] ids = first.inputIds().toLongArray();
    for (int i = 0; i < idx.length; i++) assertEquals(WordEncoder.FIRST + idx[i], ids[i * first.length() + 1]);
    // padding saved: bucketed batches hold fewer pad tokens than unbucketed ones
    assertTrue(padding(ex, src, 0) < padding(ex, source(ex, Task.SEQUENCE_CLASSIFICATION, SamplerConfig.training(8, 1, 42)), 0) / 2);
  }

  private static long padding(List<EncodedExample> ex, EpochBatchSource src, int epoch) {
    long pad = 0;
    for (int k = 0; k < src.batchesPerEpoch(); k++) {
      int max = 0;
      int[] idx = src.indices(epoch, k);
      for (int i : idx) max = Math.max(max, ex.get(i).length());
      for (int i : idx) pad += max - ex.get(i).length();
    }
    return pad;
  }

  @Test
  void sameSeedSameBatchesOtherEpochOrSeedOtherOrder() {
    List<EncodedExample> ex = examples(50);
    EpochBatchSource a = source(ex, Task.SEQUENCE_CLASSIFICATION, SamplerConfig.training(4, 3, 7));
    EpochBatchSource b = source(ex, Task.SEQUENCE_CLASSIFICATION, SamplerConfig.training(4, 3, 7));
    EpochBatchSource c = source(ex, Task.SEQUENCE_CLASSIFICATION, SamplerConfig.training(4, 3, 8));
    for (int k = 0; k < 30; k++) assertEquals(fingerprint(a.next()), fingerprint(b.next()));
    assertFalse(Arrays.deepEquals(order(a, 0), order(a, 1)), "epochs 0 and 1 have one order");
    assertFalse(Arrays.deepEquals(order(a, 0), order(c, 0)), "seeds 7 and 8 give one order");
    assertTrue(Arrays.deepEquals(order(a, 1), order(b, 1)));
  }

  private static int[][] order(EpochBatchSource s, int epoch) {
    int[][] out = new int[s.batchesPerEpoch()][];
    for (int k = 0; k < out.length; k++) out[k] = s.indices(epoch, k);
    return out;
  }

  @Test
  void restoringAPositionContinuesIdenticallyAcrossEpochs() {
    List<EncodedExample> ex = examples(37);
    SamplerConfig config = SamplerConfig.training(5, 2, 99);
    EpochBatchSource a = source(ex, Task.MASKED_LM, config);
    assertEquals(8, a.batchesPerEpoch());
    for (int k = 0; k < 6; k++) a.next();
    DataPosition saved = a.position();
    assertEquals(new DataPosition(0, 6), saved);
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 12; k++) expected.add(fingerprint(a.next()));
    assertEquals(new DataPosition(2, 2), a.position());

    EpochBatchSource b = source(ex, Task.MASKED_LM, config);
    b.restore(saved);
    for (int k = 0; k < 12; k++) assertEquals(expected.get(k), fingerprint(b.next()), "batch " + k + " after restoring");

    // the end of an epoch reads as the start of the next
    EpochBatchSource c = source(ex, Task.MASKED_LM, config);
    for (int k = 0; k < 8; k++) c.next();
    assertEquals(new DataPosition(1, 0), c.position());
    c.restore(new DataPosition(0, 6));
    assertEquals(expected.get(0), fingerprint(c.next()));
  }

  @Test
  void restoreRejectsAPositionPastTheEpoch() {
    EpochBatchSource a = source(examples(10), Task.SEQUENCE_CLASSIFICATION, SamplerConfig.training(4, 1, 1));
    assertEquals("cannot restore to epoch 0, batch 3: an epoch has 3 batches (0 to 2)",
        assertThrows(IllegalArgumentException.class, () -> a.restore(new DataPosition(0, 3))).getMessage());
  }

  @Test
  void dropLastAndOnePass() {
    List<EncodedExample> ex = examples(10);
    EpochBatchSource dropping = source(ex, Task.SEQUENCE_CLASSIFICATION, new SamplerConfig(4, true, 1, true, 5));
    assertEquals(2, dropping.batchesPerEpoch());
    for (int k = 0; k < 2; k++) assertEquals(4, dropping.indices(0, k).length);
    List<Integer> firstTokens = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (Batch b : EpochBatchSource.onePass(ex, new BatchBuilder(Task.SEQUENCE_CLASSIFICATION, ENC, false), 4, 0)) {
      sizes.add(b.size());
      long[] ids = b.inputIds().toLongArray();
      for (int i = 0; i < b.size(); i++) firstTokens.add((int) ids[i * b.length() + 1] - WordEncoder.FIRST);
    }
    assertEquals(List.of(4, 4, 2), sizes);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), firstTokens);
    assertArrayEquals(new int[] {0, 1, 2, 3}, source(ex, Task.NONE, SamplerConfig.sequential(4)).indices(3, 0));
  }
}
