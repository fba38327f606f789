package jdistill.engine.cpu;

/**
 * General matrix multiply on the CPU, fp32 and fp64, in the BLAS sense but row-major:
 * {@code C[m x n] = op(A)[m x k] * op(B)[k x n]}, or {@code C += ...} when {@code accumulate}.
 *
 * <p>Storage: without {@code transA}, A is stored row-major as m rows of k ({@code A[i][p] =
 * a[aOff + i * lda + p]}); with {@code transA} it is stored as k rows of m ({@code A[i][p] =
 * a[aOff + p * lda + i]}). Likewise B is stored k x n, or n x k with {@code transB}; C is m x n with
 * row stride {@code ldc}. Leading dimensions may exceed the stored width; C must not overlap A or B.
 * Without {@code accumulate} C is overwritten and its old contents are never read (NaN in C does
 * not leak).
 *
 * <p>Results are deterministic: the same arguments give bit-identical C whatever the number of
 * threads or their timing (each element is one fused multiply-add chain per k block of a size that
 * depends on k alone, see {@link GemmF32}; fp64 is one chain per element, see {@link GemmF64}).
 * Large products run on {@link Parallel#pool()}; small ones stay on the calling thread, and fp32
 * single rows or columns ({@code m == 1} or {@code n == 1}: matrix-vector products) avoid packing.
 */
public final class Gemm {

  private Gemm() {}

  /** fp32 GEMM; see the class documentation for the layout and the meaning of the arguments. */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
      boolean accumulate) {
    sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, true);
  }

  /** fp64 GEMM, same layout as {@link #sgemm}; for gradient checks and other exact work. */
  public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc,
      boolean accumulate) {
    dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, true);
  }

  /** {@link #sgemm} with the use of other threads allowed or not (tests compare the two). */
  static void sgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
    check("sgemm", ta, tb, m, n, k, a == null ? -1 : a.length, aOff, lda, b == null ? -1 : b.length,
        bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
    if (m == 0 || n == 0) return;
    if (k == 0) {
      if (!accumulate) {
        for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
      }
      return;
    }
    if (m == 1) {
      // y[j] = sum_p A[0][p] * B[p][j]
      GemmF32Gemv.gemv(n, k, a, aOff, ta ? lda : 1, b, bOff, tb ? 1 : ldb, tb ? ldb : 1,
          c, cOff, 1, accumulate, parallel);
    } else if (n == 1) {
      // y[i] = sum_p B[p][0] * A[i][p]
      GemmF32Gemv.gemv(m, k, b, bOff, tb ? 1 : ldb, a, aOff, ta ? lda : 1, ta ? 1 : lda,
          c, cOff, ldc, accumulate, parallel);
    } else {
      GemmF32.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
          threads(m, n, k, parallel, GemmF32.PARALLEL_MIN));
    }
  }

  /** {@link #dgemm} with the use of other threads allowed or not (tests compare the two). */
  static void dgemm(boolean ta, boolean tb, int m, int n, int k, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
    check("dgemm", ta, tb, m, n, k, a == null ? -1 : a.length, aOff, lda, b == null ? -1 : b.length,
        bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
    if (m == 0 || n == 0) return;
    if (k == 0) {
      if (!accumulate) {
        for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0d);
      }
      return;
    }
    GemmF64.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, parallel);
  }

  private static int threads(int m, int n, int k, boolean parallel, long min) {
    return parallel && (long) m * n * k >= min ? Parallel.threads() : 1;
  }

  /** Checks sizes, strides and that every element the product touches lies inside its array. */
  private static void check(String op, boolean ta, boolean tb, int m, int n, int k, int aLen, int aOff,
      int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(op + ": negative size m=" + m + ", n=" + n + ", k=" + k);
    }
    if (cLen < 0) throw new IllegalArgumentException(op + ": C is null");
    checkMatrix(op, "C", false, m, n, cLen, cOff, ldc);
    if (m == 0 || n == 0 || k == 0) return;
    if (aLen < 0) throw new IllegalArgumentException(op + ": A is null");
    if (bLen < 0) throw new IllegalArgumentException(op + ": B is null");
    checkMatrix(op, "A", ta, m, k, aLen, aOff, lda);
    checkMatrix(op, "B", tb, k, n, bLen, bOff, ldb);
  }

  /** op(X) is rows x cols; X is stored rows x cols, or cols x rows when transposed. */
  private static void checkMatrix(String op, String name, boolean trans, int rows, int cols, int len,
      int off, int ld) {
    int storedRows = trans ? cols : rows;
    int storedCols = trans ? rows : cols;
    String layout = name + " (" + (trans ? "transposed, " : "") + "stored " + storedRows + " x "
        + storedCols + ", offset " + off + ", leading dimension " + ld + ")";
    if (ld < Math.max(1, storedCols)) {
      throw new IllegalArgumentException(op + ": " + layout + ": the leading dimension must be at least "
          + Math.max(1, storedCols));
    }
    if (off < 0) throw new IllegalArgumentException(op + ": " + layout + ": negative offset");
    if (storedRows == 0 || storedCols == 0) return;
    long end = off + (long) (storedRows - 1) * ld + storedCols;
    if (end > len) {
      throw new IllegalArgumentException(op + ": " + layout + " needs " + end
          + " array elements but the array has " + len);
    }
  }
}
