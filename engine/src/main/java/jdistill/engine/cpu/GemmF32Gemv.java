package jdistill.engine.cpu;

import static jdistill.engine.cpu.GemmF32Kernels.L;
import static jdistill.engine.cpu.GemmF32Kernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Matrix-vector products for {@link Gemm#sgemm} calls with one row or one column of output
 * (m = 1 or n = 1), where packing would cost as much as the product: {@code y[j] (+)= sum_p x[p] *
 * M(p, j)} with {@code M(p, j) = mat[mOff + p * rs + j * cs]} and one of rs, cs equal to 1. Each
 * output element is a fused multiply-add chain in increasing p (vector lanes summed in lane order
 * when the chain runs along the contiguous dimension), independent of threads.
 */
final class GemmF32Gemv {

  /** Below this many multiply-adds one thread does the product. */
  static final long PARALLEL_MIN = 1L << 18;
  /** Columns per task in the column-vectorised form (4 vectors). */
  private static final int TILE = 4 * L;

  private GemmF32Gemv() {}

  static void gemv(int len, int k, float[] x, int xOff, int xs, float[] mat, int mOff, int rs, int cs,
      float[] y, int yOff, int ys, boolean accumulate, boolean parallel) {
    boolean par = parallel && (long) len * k >= PARALLEL_MIN && Parallel.threads() > 1;
    if (cs == 1) {
      int tiles = (len + TILE - 1) / TILE;
      if (par) {
        Parallel.forRange(tiles, Math.max(1, tiles / (4 * Parallel.threads())), (t0, t1) ->
            columns(t0 * TILE, Math.min(len, t1 * TILE), k, x, xOff, xs, mat, mOff, rs, y, yOff, ys, accumulate));
      } else {
        columns(0, len, k, x, xOff, xs, mat, mOff, rs, y, yOff, ys, accumulate);
      }
    } else {
      float[] xc = x;
      int xc0 = xOff;
      if (xs != 1) {
        xc = new float[k];
        for (int p = 0; p < k; p++) xc[p] = x[xOff + p * xs];
        xc0 = 0;
      }
      float[] xv = xc;
      int xv0 = xc0;
      if (par) {
        Parallel.forRange(len, Math.max(4, len / (4 * Parallel.threads())), (j0, j1) ->
            dots(j0, j1, k, xv, xv0, mat, mOff, cs, y, yOff, ys, accumulate));
      } else {
        dots(0, len, k, xv, xv0, mat, mOff, cs, y, yOff, ys, accumulate);
      }
    }
  }

  /** Outputs [j0, j1), vectorised along j (the matrix is contiguous along j). */
  private static void columns(int j0, int j1, int k, float[] x, int xOff, int xs, float[] mat, int mOff,
      int rs, float[] y, int yOff, int ys, boolean accumulate) {
    float[] tmp = new float[TILE];
    int j = j0;
    for (; j + TILE <= j1; j += TILE) {
      FloatVector c0 = FloatVector.zero(S);
      FloatVector c1 = FloatVector.zero(S);
      FloatVector c2 = FloatVector.zero(S);
      FloatVector c3 = FloatVector.zero(S);
      for (int p = 0; p < k; p++) {
        FloatVector xp = FloatVector.broadcast(S, x[xOff + p * xs]);
        int row = mOff + p * rs + j;
        c0 = xp.fma(FloatVector.fromArray(S, mat, row), c0);
        c1 = xp.fma(FloatVector.fromArray(S, mat, row + L), c1);
        c2 = xp.fma(FloatVector.fromArray(S, mat, row + 2 * L), c2);
        c3 = xp.fma(FloatVector.fromArray(S, mat, row + 3 * L), c3);
      }
      c0.intoArray(tmp, 0);
      c1.intoArray(tmp, L);
      c2.intoArray(tmp, 2 * L);
      c3.intoArray(tmp, 3 * L);
      put(tmp, TILE, y, yOff + j * ys, ys, accumulate);
    }
    for (; j < j1; j += L) {
      VectorMask<Float> m = S.indexInRange(j, j1);
      FloatVector c0 = FloatVector.zero(S);
      for (int p = 0; p < k; p++) {
        FloatVector xp = FloatVector.broadcast(S, x[xOff + p * xs]);
        c0 = xp.fma(FloatVector.fromArray(S, mat, mOff + p * rs + j, m), c0);
      }
      c0.intoArray(tmp, 0);
      put(tmp, Math.min(L, j1 - j), y, yOff + j * ys, ys, accumulate);
    }
  }

  /** Outputs [j0, j1) as dot products along p (the matrix is contiguous along p; x is contiguous). */
  private static void dots(int j0, int j1, int k, float[] x, int xOff, float[] mat, int mOff, int cs,
      float[] y, int yOff, int ys, boolean accumulate) {
    float[] lanes = new float[L];
    int kv = k - k % L;
    VectorMask<Float> tail = S.indexInRange(kv, k);
    int j = j0;
    for (; j + 4 <= j1; j += 4) {
      int r0 = mOff + j * cs;
      int r1 = r0 + cs;
      int r2 = r1 + cs;
      int r3 = r2 + cs;
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      FloatVector a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        FloatVector xp = FloatVector.fromArray(S, x, xOff + p);
        a0 = xp.fma(FloatVector.fromArray(S, mat, r0 + p), a0);
        a1 = xp.fma(FloatVector.fromArray(S, mat, r1 + p), a1);
        a2 = xp.fma(FloatVector.fromArray(S, mat, r2 + p), a2);
        a3 = xp.fma(FloatVector.fromArray(S, mat, r3 + p), a3);
      }
      if (kv < k) {
        FloatVector xp = FloatVector.fromArray(S, x, xOff + kv, tail);
        a0 = xp.fma(FloatVector.fromArray(S, mat, r0 + kv, tail), a0);
        a1 = xp.fma(FloatVector.fromArray(S, mat, r1 + kv, tail), a1);
        a2 = xp.fma(FloatVector.fromArray(S, mat, r2 + kv, tail), a2);
        a3 = xp.fma(FloatVector.fromArray(S, mat, r3 + kv, tail), a3);
      }
      put(sum(a0, lanes), y, yOff + j * ys, accumulate);
      put(sum(a1, lanes), y, yOff + (j + 1) * ys, accumulate);
      put(sum(a2, lanes), y, yOff + (j + 2) * ys, accumulate);
      put(sum(a3, lanes), y, yOff + (j + 3) * ys, accumulate);
    }
    for (; j < j1; j++) {
      int r0 = mOff + j * cs;
      FloatVector a0 = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        a0 = FloatVector.fromArray(S, x, xOff + p).fma(FloatVector.fromArray(S, mat, r0 + p), a0);
      }
      if (kv < k) {
        a0 = FloatVector.fromArray(S, x, xOff + kv, tail).fma(FloatVector.fromArray(S, mat, r0 + kv, tail), a0);
      }
      put(sum(a0, lanes), y, yOff + j * ys, accumulate);
    }
  }

  /** Sum of the lanes of v in lane order (a fixed order, unlike a reduction left to the JIT). */
  private static float sum(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float s = 0f;
    for (int l = 0; l < L; l++) s += lanes[l];
    return s;
  }

  private static void put(float v, float[] y, int yi, boolean accumulate) {
    y[yi] = accumulate ? y[yi] + v : v;
  }

  private static void put(float[] tmp, int count, float[] y, int yi, int ys, boolean accumulate) {
    for (int q = 0; q < count; q++, yi += ys) y[yi] = accumulate ? y[yi] + tmp[q] : tmp[q];
  }
}
