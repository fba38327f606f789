package jdistill.distill.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdistill.distill.core.Batch;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {

  private static final WordEncoder BERT = WordEncoder.bert(1000);

  private static EncodedExample ex(int[] ids, int[] types, int label, float score) {
    return new EncodedExample(ids, types, label, score);
  }

  private static final List<EncodedExample> PAIRS = List.of(
      ex(new int[] {1, 5, 2, 6, 2}, new int[] {0, 0, 0, 1, 1}, 2, 0.25f),
      ex(new int[] {1, 7, 2}, new int[] {0, 0, 0}, 0, 3f));

  @Test
  void padsToTheLongestWithMaskAndSegmentIds() {
    Batch b = new BatchBuilder(Task.SEQUENCE_CLASSIFICATION, BERT, true).build(PAIRS, 0);
    assertArrayEquals(new int[] {2, 5}, b.inputIds().shape());
    assertEquals(DType.I64, b.inputIds().dtype());
    assertEquals(DType.I64, b.attentionMask().dtype());
    assertEquals(DType.I64, b.tokenTypeIds().dtype());
    assertArrayEquals(new long[] {1, 5, 2, 6, 2, 1, 7, 2, 0, 0}, b.inputIds().toLongArray());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, b.attentionMask().toLongArray());
    assertArrayEquals(new long[] {0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, b.tokenTypeIds().toLongArray());
    assertArrayEquals(new int[] {2}, b.labels().shape());
    assertEquals(DType.I64, b.labels().dtype());
    assertArrayEquals(new long[] {2, 0}, b.labels().toLongArray());
  }

  @Test
  void regressionLabelsAreF32AndTokenTypesCanBeLeftOut() {
    Batch b = new BatchBuilder(Task.REGRESSION, BERT, false).build(PAIRS, 0);
    assertNull(b.tokenTypeIds());
    assertEquals(DType.F32, b.labels().dtype());
    assertArrayEquals(new float[] {0.25f, 3f}, b.labels().toFloatArray());
  }

  @Test
  void padMultipleRoundsTheLengthUp() {
    Batch b = new BatchBuilder(Task.NONE, BERT, false, null, 4).build(PAIRS, 0);
    assertArrayEquals(new int[] {2, 8}, b.inputIds().shape());
    assertNull(b.labels());
    assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0}, Arrays.copyOfRange(b.attentionMask().toLongArray(), 8, 16));
  }

  @Test
  void causalLmLabelsAreTheIdsWithIgnoreAtPadding() {
    WordEncoder gpt = WordEncoder.gpt2(100);
    List<EncodedExample> ex = List.of(EncodedExample.ofIds(new int[] {5, 6, 7}), EncodedExample.ofIds(new int[] {8}));
    Batch b = new BatchBuilder(Task.CAUSAL_LM, gpt, false).build(ex, 0);
    assertArrayEquals(new long[] {5, 6, 7, 8, 0, 0}, b.inputIds().toLongArray());
    assertArrayEquals(new long[] {5, 6, 7, 8, -100, -100}, b.labels().toLongArray());
    assertArrayEquals(new int[] {2, 3}, b.labels().shape());
  }

  @Test
  void missingLabelsFail() {
    List<EncodedExample> ex = List.of(EncodedExample.ofIds(new int[] {5}));
    assertEquals("example 0 of the batch has no label; sequence classification needs one",
        assertThrows(IllegalArgumentException.class, () -> new BatchBuilder(Task.SEQUENCE_CLASSIFICATION, BERT, false).build(ex, 0)).getMessage());
    assertEquals("example 0 of the batch has no score; regression needs one",
        assertThrows(IllegalArgumentException.class, () -> new BatchBuilder(Task.REGRESSION, BERT, false).build(ex, 0)).getMessage());
    assertEquals("masked language modelling needs a [MASK] token; the encoder has none",
        assertThrows(IllegalArgumentException.class, () -> new BatchBuilder(Task.MASKED_LM, WordEncoder.gpt2(5), false)).getMessage());
  }

  /** 400 rows of [CLS] 60 words [SEP] and one short row: 24,002 maskable tokens. */
  private static List<EncodedExample> mlmSample() {
    Rng rng = new Rng(11);
    List<EncodedExample> out = new ArrayList<>();
    for (int r = 0; r < 400; r++) {
      int[] ids = new int[62];
      ids[0] = WordEncoder.CLS;
      for (int i = 1; i <= 60; i++) ids[i] = WordEncoder.FIRST + rng.nextInt(1000);
      ids[61] = WordEncoder.SEP;
      out.add(EncodedExample.ofIds(ids));
    }
    // one short row so the batch has padding
    out.add(EncodedExample.ofIds(new int[] {WordEncoder.CLS, 9, 10, WordEncoder.SEP}));
    return out;
  }

  @Test
  void mlmMaskingProportionsFollowBert() {
    List<EncodedExample> ex = mlmSample();
    BatchBuilder builder = new BatchBuilder(Task.MASKED_LM, BERT, false);
    Batch b = builder.build(ex, 1234);
    long[] ids = b.inputIds().toLongArray();
    long[] labels = b.labels().toLongArray();
    long[] mask = b.attentionMask().toLongArray();
    int s = b.length();
    long maskable = 0, selected = 0, masked = 0, random = 0, kept = 0;
    for (int r = 0; r < ex.size(); r++) {
      int[] orig = ex.get(r).ids();
      for (int j = 0; j < s; j++) {
        int k = r * s + j;
        boolean real = j < orig.length;
        assertEquals(real ? 1 : 0, mask[k]);
        if (!real || orig[j] == WordEncoder.CLS || orig[j] == WordEncoder.SEP) {
          assertEquals(-100, labels[k], "padding and special tokens are never selected");
          assertEquals(real ? orig[j] : WordEncoder.PAD, ids[k]);
          continue;
        }
        maskable++;
        if (labels[k] == -100) {
          assertEquals(orig[j], ids[k], "unselected tokens are unchanged");
          continue;
        }
        selected++;
        assertEquals(orig[j], labels[k], "the label is the original token");
        if (ids[k] == WordEncoder.MASK) masked++;
        else if (ids[k] == orig[j]) kept++;
        else random++;
        assertTrue(ids[k] >= 0 && ids[k] < BERT.vocabSize());
      }
    }
    assertEquals(400 * 60 + 2, maskable);
    // binomial standard deviations: selection 0.0023, within the selected ~0.007 / 0.0055
    assertEquals(0.15, (double) selected / maskable, 0.01);
    assertEquals(0.80, (double) masked / selected, 0.03);
    assertEquals(0.10, (double) random / selected, 0.025);
    assertEquals(0.10, (double) kept / selected, 0.025);
  }

  @Test
  void mlmMaskingIsDeterministicPerSeed() {
    List<EncodedExample> ex = mlmSample().subList(0, 20);
    BatchBuilder builder = new BatchBuilder(Task.MASKED_LM, BERT, false);
    Batch a = builder.build(ex, 5);
    Batch b = builder.build(ex, 5);
    Batch c = builder.build(ex, 6);
    assertArrayEquals(a.inputIds().toLongArray(), b.inputIds().toLongArray());
    assertArrayEquals(a.labels().toLongArray(), b.labels().toLongArray());
    assertNotEquals(Arrays.toString(a.labels().toLongArray()), Arrays.toString(c.labels().toLongArray()));
    // the examples themselves are not changed
    assertEquals(WordEncoder.CLS, ex.get(0).ids()[0]);
    assertArrayEquals(mlmSample().get(3).ids(), ex.get(3).ids());
  }
}
