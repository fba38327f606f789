package jdistill.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked fp32 micro-kernels of {@link Gemm}: each computes a tile of C of up to
 * {@code MR} = 6 rows and {@code NR} = 2 vectors of columns, keeping the whole tile in registers
 * while it runs over {@code kc} values of k.
 *
 * <p>A is read in place by the {@code kernel*} methods: row {@code r} of the tile is
 * {@code a[ai + r * lda + p]}, p = 0..kc-1 (a row-major A as the caller stores it). The
 * {@code packed*} methods read a strip packed from a transposed A, {@code a[ai + p * MR + r]}. B is a
 * packed panel: {@code bp[bi + p * NR + j]}, j = 0..NR-1, zero-padded past the matrix edge. Every
 * accumulator starts at zero and takes the fused multiply-adds in increasing p; the tile is then
 * added to C ({@code add}) or stored over it, so each element of C is computed the same way
 * wherever its tile lies and whichever thread runs it. A right-edge tile narrower than NR goes
 * through a scratch tile (see {@link #tile}): masked loads and stores inside the kernels cost C2
 * about half their speed on every tile once edge tiles had run through them.
 *
 * <p>The bodies are written out in full (one local per accumulator) so that C2 keeps the tile in
 * vector registers; kernels for 4, 2 and 1 rows cover the bottom edge.
 */
final class GemmF32Kernels {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Lanes per vector. */
  static final int L = S.length();
  /** Rows per register tile. */
  static final int MR = 6;
  /** Columns per register tile (two vectors). */
  static final int NR = 2 * L;

  private GemmF32Kernels() {}

  /** Per-thread scratch tile for right-edge tiles narrower than NR. */
  private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);

  /**
   * C[rows x w] (+)= the tile's product, for {@code rows} (1..MR) rows and {@code w} (1..NR)
   * columns: a narrower right-edge tile is computed whole into a scratch tile and its first
   * {@code w} columns are copied out, so the kernels themselves never take masks.
   */
  static void tile(int rows, float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, int w, boolean add) {
    if (w == NR) {
      rows(rows, a, ai, lda, bp, bi, kc, c, ci, ldc, add);
      return;
    }
    float[] edge = EDGE.get();
    rows(rows, a, ai, lda, bp, bi, kc, edge, 0, NR, false);
    copyEdge(edge, rows, w, c, ci, ldc, add);
  }

  /** Like {@link #tile} for a packed strip of A (row r, column p at {@code ai + p * MR + r}). */
  static void tilePacked(int rows, float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, int w, boolean add) {
    if (w == NR) {
      rowsPacked(rows, a, ai, bp, bi, kc, c, ci, ldc, add);
      return;
    }
    float[] edge = EDGE.get();
    rowsPacked(rows, a, ai, bp, bi, kc, edge, 0, NR, false);
    copyEdge(edge, rows, w, c, ci, ldc, add);
  }

  private static void copyEdge(float[] edge, int rows, int w, float[] c, int ci, int ldc, boolean add) {
    for (int r = 0; r < rows; r++) {
      int row = ci + r * ldc;
      for (int j = 0; j < w; j++) c[row + j] = add ? c[row + j] + edge[r * NR + j] : edge[r * NR + j];
    }
  }

  /** A full-width tile of {@code rows} rows, split 6, or 4 + 2 + 1. */
  private static void rows(int rows, float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    if (rows == MR) {
      kernel6(a, ai, lda, bp, bi, kc, c, ci, ldc, add);
      return;
    }
    int r = 0;
    if (rows - r >= 4) {
      kernel4(a, ai, lda, bp, bi, kc, c, ci, ldc, add);
      r += 4;
    }
    if (rows - r >= 2) {
      kernel2(a, ai + r * lda, lda, bp, bi, kc, c, ci + r * ldc, ldc, add);
      r += 2;
    }
    if (rows - r >= 1) {
      kernel1(a, ai + r * lda, lda, bp, bi, kc, c, ci + r * ldc, ldc, add);
    }
  }

  /** Like {@link #rows} for a packed strip of A. */
  private static void rowsPacked(int rows, float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    if (rows == MR) {
      packed6(a, ai, bp, bi, kc, c, ci, ldc, add);
      return;
    }
    int r = 0;
    if (rows - r >= 4) {
      packed4(a, ai, bp, bi, kc, c, ci, ldc, add);
      r += 4;
    }
    if (rows - r >= 2) {
      packed2(a, ai + r, bp, bi, kc, c, ci + r * ldc, ldc, add);
      r += 2;
    }
    if (rows - r >= 1) {
      packed1(a, ai + r, bp, bi, kc, c, ci + r * ldc, ldc, add);
    }
  }

  private static void store(FloatVector v, float[] c, int i, boolean add) {
    if (add) v = v.add(FloatVector.fromArray(S, c, i));
    v.intoArray(c, i);
  }

  /** C[6 x NR] (+)= A[6 rows at ai, ai + lda, ...][kc] . Bpanel[kc x NR] (see class doc). */
  static void kernel6(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
    int a0 = ai;
    int a1 = ai + 1 * lda;
    int a2 = ai + 2 * lda;
    int a3 = ai + 3 * lda;
    int a4 = ai + 4 * lda;
    int a5 = ai + 5 * lda;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
      c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
      c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
      c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
      c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
    store(c20, c, ci + 2 * ldc, add); store(c21, c, ci + 2 * ldc + L, add);
    store(c30, c, ci + 3 * ldc, add); store(c31, c, ci + 3 * ldc + L, add);
    store(c40, c, ci + 4 * ldc, add); store(c41, c, ci + 4 * ldc + L, add);
    store(c50, c, ci + 5 * ldc, add); store(c51, c, ci + 5 * ldc + L, add);
  }

  /** C[4 x NR] (+)= A[4 rows at ai, ai + lda, ...][kc] . Bpanel[kc x NR] (see class doc). */
  static void kernel4(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
    int a0 = ai;
    int a1 = ai + 1 * lda;
    int a2 = ai + 2 * lda;
    int a3 = ai + 3 * lda;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
      c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
      c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
    store(c20, c, ci + 2 * ldc, add); store(c21, c, ci + 2 * ldc + L, add);
    store(c30, c, ci + 3 * ldc, add); store(c31, c, ci + 3 * ldc + L, add);
  }

  /** C[2 x NR] (+)= A[2 rows at ai, ai + lda, ...][kc] . Bpanel[kc x NR] (see class doc). */
  static void kernel2(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    int a0 = ai;
    int a1 = ai + 1 * lda;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
  }

  /** C[1 x NR] (+)= A[1 rows at ai, ai + lda, ...][kc] . Bpanel[kc x NR] (see class doc). */
  static void kernel1(float[] a, int ai, int lda, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    int a0 = ai;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
  }

  /** C[6 x NR] (+)= A[6 rows of a packed strip at ai][kc] . Bpanel[kc x NR] (see class doc). */
  static void packed6(float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      int ao = ai + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
      c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
      c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[ao + 4]);
      c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[ao + 5]);
      c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
    store(c20, c, ci + 2 * ldc, add); store(c21, c, ci + 2 * ldc + L, add);
    store(c30, c, ci + 3 * ldc, add); store(c31, c, ci + 3 * ldc + L, add);
    store(c40, c, ci + 4 * ldc, add); store(c41, c, ci + 4 * ldc + L, add);
    store(c50, c, ci + 5 * ldc, add); store(c51, c, ci + 5 * ldc + L, add);
  }

  /** C[4 x NR] (+)= A[4 rows of a packed strip at ai][kc] . Bpanel[kc x NR] (see class doc). */
  static void packed4(float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      int ao = ai + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
      c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
      c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
    store(c20, c, ci + 2 * ldc, add); store(c21, c, ci + 2 * ldc + L, add);
    store(c30, c, ci + 3 * ldc, add); store(c31, c, ci + 3 * ldc + L, add);
  }

  /** C[2 x NR] (+)= A[2 rows of a packed strip at ai][kc] . Bpanel[kc x NR] (see class doc). */
  static void packed2(float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      int ao = ai + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
      c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
    store(c10, c, ci + ldc, add); store(c11, c, ci + ldc + L, add);
  }

  /** C[1 x NR] (+)= A[1 rows of a packed strip at ai][kc] . Bpanel[kc x NR] (see class doc). */
  static void packed1(float[] a, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      int ao = ai + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
    }
    store(c00, c, ci, add); store(c01, c, ci + L, add);
  }
}
