package jdistill.distill.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class PairwiseSimilarityTest {

  private static float[][] random(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] row : x) for (int i = 0; i < d; i++) row[i] = (float) r.nextGaussian();
    return x;
  }

  /** Spearman by hand: Pearson of average ranks, over all pairs i < j of plain cosines (in double; the metric normalises in float, hence 1e-6). */
  private static double reference(float[][] s, float[][] t) {
    int n = s.length;
    int m = n * (n - 1) / 2;
    double[] x = new double[m];
    double[] y = new double[m];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        x[k] = cos(s[i], s[j]);
        y[k++] = cos(t[i], t[j]);
      }
    }
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mx = Arrays.stream(rx).average().orElseThrow();
    double my = Arrays.stream(ry).average().orElseThrow();
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < m; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double cos(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }

  private static double[] ranks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int less = 0, equal = 0;
      for (double w : v) {
        if (w < v[i]) less++;
        else if (w == v[i]) equal++;
      }
      r[i] = less + (equal + 1) / 2.0;
    }
    return r;
  }

  @Test
  void matchesAHandComputedRankCorrelationOverAllPairs() {
    float[][] t = random(30, 8, 1);
    float[][] s = random(30, 8, 2);
    for (int i = 0; i < s.length; i++) for (int d = 0; d < 8; d++) s[i][d] = 0.7f * t[i][d] + 0.5f * s[i][d];
    double expected = reference(s, t);
    assertTrue(expected > 0.3 && expected < 0.99, "a partly related student: " + expected);
    assertEquals(expected, PairwiseSimilarity.spearman(s, t), 1e-6);
  }

  @Test
  void rotationAndRowScalingKeepTheRankingExactly() {
    float[][] t = random(20, 2, 3);
    float[][] s = new float[20][2];
    double c = Math.cos(0.8), sn = Math.sin(0.8);
    for (int i = 0; i < 20; i++) {
      float scale = 1 + i;
      s[i][0] = (float) (scale * (c * t[i][0] - sn * t[i][1]));
      s[i][1] = (float) (scale * (sn * t[i][0] + c * t[i][1]));
    }
    assertEquals(1.0, PairwiseSimilarity.spearman(s, t), 1e-9);
    assertEquals(1.0, PairwiseSimilarity.spearman(t, t), 1e-12);
  }

  @Test
  void samplesAFixedSetOfPairsBeyondTheLimit() {
    float[][] t = random(120, 6, 4);
    float[][] s = random(120, 6, 5);
    for (int i = 0; i < s.length; i++) for (int d = 0; d < 6; d++) s[i][d] = t[i][d] + 0.6f * s[i][d];
    double all = PairwiseSimilarity.spearman(s, t);
    assertEquals(reference(s, t), all, 1e-6);
    double sampled = PairwiseSimilarity.spearman(s, t, 3000);
    assertEquals(sampled, PairwiseSimilarity.spearman(s, t, 3000), 0.0, "the sample is fixed");
    assertEquals(all, sampled, 0.04, "3000 of 7140 pairs estimate the full figure");
    assertTrue(Math.abs(all - sampled) > 0, "and it is a sample, not all pairs");
  }

  @Test
  void evalOutputsCollectRowsAcrossBatchesForTheMetric() {
    float[][] t = random(12, 4, 6);
    float[][] s = random(12, 4, 7);
    EvalOutputs out = new EvalOutputs();
    for (int start = 0; start < 12; start += 5) {
      int b = Math.min(5, 12 - start);
      out.addEmbeddings(Tensor.of(flat(s, start, b), b, 4), Tensor.of(flat(t, start, b), b, 4));
    }
    double v = MetricSet.of("similarity_spearman").compute(out).get(0).value();
    assertEquals(reference(s, t), v, 1e-6);
    assertThrows(IllegalStateException.class, () -> MetricSet.of("similarity_spearman").compute(new EvalOutputs()));
  }

  @Test
  void rejectsTooFewOrMismatchedEmbeddings() {
    assertThrows(IllegalArgumentException.class, () -> PairwiseSimilarity.spearman(random(2, 3, 1), random(2, 3, 1)));
    assertThrows(IllegalArgumentException.class, () -> PairwiseSimilarity.spearman(random(5, 3, 1), random(4, 3, 1)));
  }

  private static float[] flat(float[][] x, int start, int b) {
    float[] out = new float[b * x[0].length];
    for (int i = 0; i < b; i++) System.arraycopy(x[start + i], 0, out, i * x[0].length, x[0].length);
    return out;
  }
}
