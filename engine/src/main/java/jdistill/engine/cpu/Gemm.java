package jdistill.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Row-major GEMM on arrays: {@code C[m,n] (+)= op(A)[m,k] op(B)[k,n]} (simple interim version). */
public final class Gemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
    long work = (long) m * n * k;
    Parallel.forRange(m, work > 1 << 18 ? Math.max(1, m / (Parallel.threads() * 4)) : m, (from, to) -> {
      float[] bRow = new float[n];
      for (int i = from; i < to; i++) {
        int ci = cOff + i * ldc;
        if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          if (av == 0f) continue;
          int bi;
          float[] src;
          if (transB) {
            for (int j = 0; j < n; j++) bRow[j] = b[bOff + j * ldb + p];
            src = bRow;
            bi = 0;
          } else {
            src = b;
            bi = bOff + p * ldb;
          }
          FloatVector va = FloatVector.broadcast(S, av);
          int j = 0;
          for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector.fromArray(S, src, bi + j).fma(va, FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
          }
          for (; j < n; j++) c[ci + j] += av * src[bi + j];
        }
      }
    });
  }

  public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = accumulate ? c[ci] + s : s;
      }
    }
  }
}
