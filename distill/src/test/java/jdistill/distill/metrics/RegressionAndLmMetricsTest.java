package jdistill.distill.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class RegressionAndLmMetricsTest {

  @Test
  void pearsonByHand() {
    // dx = (-1.5, -0.5, 0.5, 1.5), dy = (-3, -1, 0, 4): sum dxdy = 11, sum dx^2 = 5, sum dy^2 = 26
    assertEquals(11 / Math.sqrt(130), Correlation.pearson(new double[] {1, 2, 3, 4}, new double[] {2, 4, 5, 9}), 1e-14);
    assertEquals(-1.0, Correlation.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-14);
  }

  @Test
  void spearmanAveragesTies() {
    // ranks of y = (5, 6, 7, 8, 7): (1, 2, 3.5, 5, 3.5); Pearson of ranks = 8 / sqrt(10 * 9.5)
    assertEquals(8 / Math.sqrt(95), Correlation.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-14);
    // monotone but not linear: 1
    assertEquals(1.0, Correlation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 64}), 1e-14);
  }

  @Test
  void constantVectorsGiveNaN() {
    assertTrue(Double.isNaN(Correlation.pearson(new double[] {2, 2, 2}, new double[] {1, 2, 3})));
    assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
    assertTrue(Double.isNaN(Correlation.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
    assertEquals("a correlation needs at least 2 pairs, got 1",
        assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(new double[] {1}, new double[] {1})).getMessage());
  }

  @Test
  void perplexityFromSummedNll() {
    assertEquals(4.0, LanguageModeling.perplexity(2 * Math.log(4), 2), 1e-12);
    assertEquals(1.0, LanguageModeling.perplexity(0, 10), 0);
    // mean NLL ln 2 and ln 8 over two tokens -> exp((ln 2 + ln 8) / 2) = 4
    assertEquals(4.0, LanguageModeling.perplexity(Math.log(2) + Math.log(8), 2), 1e-12);
    assertTrue(Double.isNaN(LanguageModeling.perplexity(0, 0)));
  }

  @Test
  void agreementOverCountedPositions() {
    long[] s = {1, 2, 3, 4, 5};
    long[] t = {1, 0, 3, 0, 5};
    assertArrayEquals(new long[] {3, 5}, LanguageModeling.agreementCounts(s, t, null));
    assertArrayEquals(new long[] {1, 2}, LanguageModeling.agreementCounts(s, t, new long[] {0, 1, 1, 0, 0}));
    assertEquals(0.6, LanguageModeling.agreement(3, 5), 1e-15);
    assertTrue(Double.isNaN(LanguageModeling.agreement(0, 0)));
  }

  @Test
  void agreementFromLogitTensors() {
    // [1, 3, 2] logits: student argmax (1, 0, 1), teacher argmax (1, 1, 1); last position not counted
    Tensor student = Tensor.of(new float[] {0, 1, 5, 2, 0, 3}, 1, 3, 2);
    Tensor teacher = Tensor.of(new float[] {0, 2, 1, 4, 1, 9}, 1, 3, 2);
    EvalOutputs o = new EvalOutputs();
    o.addAgreement(student, teacher, Tensor.ofLongs(new long[] {1, 1, 0}, 1, 3));
    assertEquals(1, o.agreementMatches());
    assertEquals(2, o.agreementCounted());
    o.addAgreement(student, teacher, null);
    assertEquals(3, o.agreementMatches());
    assertEquals(5, o.agreementCounted());
  }

  @Test
  void embeddingCosine() {
    float[][] s = {{1, 0}, {1, 0}, {1, 1}, {0, 0}};
    float[][] t = {{2, 0}, {0, 3}, {1, 0}, {1, 1}};
    // 1, 0, 1/sqrt(2), 0 (zero vector)
    assertEquals((1 + Math.sqrt(0.5)) / 4, EmbeddingSimilarity.meanCosine(s, t), 1e-12);
    EvalOutputs o = new EvalOutputs();
    o.addEmbeddings(Tensor.of(new float[] {1, 0, 1, 0, 1, 1, 0, 0}, 4, 2), Tensor.of(new float[] {2, 0, 0, 3, 1, 0, 1, 1}, 4, 2));
    assertEquals((1 + Math.sqrt(0.5)) / 4, o.meanCosine(), 1e-7);
    assertEquals(-1.0, EmbeddingSimilarity.meanCosine(new float[][] {{1, 2, 3}}, new float[][] {{-2, -4, -6}}), 1e-12);
  }
}
