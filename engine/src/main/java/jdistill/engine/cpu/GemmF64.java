package jdistill.engine.cpu;

import java.util.Arrays;

/**
 * The fp64 product for {@link Gemm#dgemm}: F64 serves gradient checks and reference computations,
 * not training, so it is written for clarity rather than peak speed. Rows of C are computed
 * independently (in parallel when the product is large): op(B) is first copied row-major, then
 * each row of C is an accumulation, in increasing p, of {@code a(i, p) * B(p, :)} with fused
 * multiply-adds, added to C ({@code accumulate}) or stored over it. Every element's arithmetic is
 * therefore the same whatever thread computes it.
 */
final class GemmF64 {

  /** Below this many multiply-adds one thread does the product. */
  static final long PARALLEL_MIN = 1L << 18;

  private GemmF64() {}

  static void gemm(boolean ta, boolean tb, int m, int n, int k, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
    double[] bRows = rowMajor(tb, k, n, b, bOff, ldb);
    Parallel.RangeBody rows = (i0, i1) -> {
      double[] acc = new double[n];
      for (int i = i0; i < i1; i++) {
        Arrays.fill(acc, 0d);
        for (int p = 0; p < k; p++) {
          double aip = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          int row = p * n;
          for (int j = 0; j < n; j++) acc[j] = Math.fma(aip, bRows[row + j], acc[j]);
        }
        int ci = cOff + i * ldc;
        for (int j = 0; j < n; j++) c[ci + j] = accumulate ? c[ci + j] + acc[j] : acc[j];
      }
    };
    if (parallel && (long) m * n * k >= PARALLEL_MIN && Parallel.threads() > 1) {
      Parallel.forRange(m, Math.max(1, m / (4 * Parallel.threads())), rows);
    } else {
      rows.run(0, m);
    }
  }

  /** op(B) as a dense row-major k x n array. */
  private static double[] rowMajor(boolean tb, int k, int n, double[] b, int bOff, int ldb) {
    double[] out = new double[k * n];
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) out[p * n + j] = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }
    return out;
  }
}
