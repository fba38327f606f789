package jdistill.distill.metrics;

import java.util.SplittableRandom;

/**
 * How well a student keeps the teacher's similarity structure: over pairs (i, j) of held-out
 * sentences, the Spearman rank correlation of the student's cos(s_i, s_j) with the teacher's
 * cos(t_i, t_j). Every pair i &lt; j is used while there are at most {@link #MAX_PAIRS}; beyond
 * that a fixed sample of that many pairs (i != j, drawn from a generator of fixed seed, so the
 * figure is reproducible and the same pairs score teacher and student).
 */
public final class PairwiseSimilarity {

  /** The most pairs scored; more sentences than this gives pairs for are sampled. */
  public static final int MAX_PAIRS = 200_000;

  private static final long SEED = 0x5EEDL;

  private PairwiseSimilarity() {}

  /** Spearman correlation of student with teacher pairwise cosines, over at most {@link #MAX_PAIRS} pairs. */
  public static double spearman(float[][] student, float[][] teacher) {
    return spearman(student, teacher, MAX_PAIRS);
  }

  /** As {@link #spearman(float[][], float[][])}, sampling beyond {@code maxPairs} pairs. */
  public static double spearman(float[][] student, float[][] teacher, int maxPairs) {
    if (student.length != teacher.length) throw new IllegalArgumentException(student.length + " student embeddings for " + teacher.length + " teacher embeddings");
    int n = student.length;
    if (n < 3) throw new IllegalArgumentException("pairwise similarity needs at least 3 embeddings (2 pairs), got " + n);
    if (maxPairs < 2) throw new IllegalArgumentException("maxPairs must be at least 2, got " + maxPairs);
    float[][] s = unit(student, "student");
    float[][] t = unit(teacher, "teacher");
    long all = (long) n * (n - 1) / 2;
    int count = (int) Math.min(all, maxPairs);
    double[] x = new double[count];
    double[] y = new double[count];
    if (all <= maxPairs) {
      int k = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          x[k] = dot(s[i], s[j]);
          y[k++] = dot(t[i], t[j]);
        }
      }
    } else {
      SplittableRandom r = new SplittableRandom(SEED);
      for (int k = 0; k < count; k++) {
        int i = r.nextInt(n);
        int j = r.nextInt(n - 1);
        if (j >= i) j++;
        x[k] = dot(s[i], s[j]);
        y[k] = dot(t[i], t[j]);
      }
    }
    return Correlation.spearman(x, y);
  }

  private static float[][] unit(float[][] rows, String who) {
    float[][] out = new float[rows.length][];
    int dim = rows[0].length;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) throw new IllegalArgumentException(who + " embedding " + i + " has " + rows[i].length + " dims, embedding 0 has " + dim);
      double sq = 0;
      for (float v : rows[i]) sq += (double) v * v;
      double inv = sq == 0 ? 0 : 1 / Math.sqrt(sq);
      out[i] = new float[dim];
      for (int d = 0; d < dim; d++) out[i][d] = (float) (rows[i][d] * inv);
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int d = 0; d < a.length; d++) sum += (double) a[d] * b[d];
    return sum;
  }
}
