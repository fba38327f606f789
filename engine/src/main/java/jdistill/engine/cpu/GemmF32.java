package jdistill.engine.cpu;

import static jdistill.engine.cpu.GemmF32Kernels.L;
import static jdistill.engine.cpu.GemmF32Kernels.MR;
import static jdistill.engine.cpu.GemmF32Kernels.NR;
import static jdistill.engine.cpu.GemmF32Kernels.S;

import jdk.incubator.vector.FloatVector;

/**
 * The blocked fp32 GEMM behind {@link Gemm#sgemm} (GotoBLAS/BLIS loop nest, row-major): k is cut
 * into blocks of at most {@link #KC} (the cut depends on k alone); for each block, B is packed into
 * panels of {@code NR} columns ({@link #NC} columns at a time, per thread) and the micro-kernels of
 * {@link GemmF32Kernels} sweep 6-row strips of A against them. A row-major A is read in place; a
 * transposed A is first packed into 6-row strips ({@link #MC} rows at a time). Threads take
 * disjoint column ranges of C (or row ranges when C is narrow), so each element of C is computed
 * by exactly the same operations whatever the thread count or timing.
 */
final class GemmF32 {

  /** Largest k block: the k loop of one micro-kernel call, and how often C is read and written. */
  static final int KC = 768;
  /** Columns of B packed at once by one thread. */
  static final int NC = 16 * NR;
  /** Rows of a transposed A copied at once (a multiple of MR). */
  static final int MC = 256 * MR;
  /** Below this many multiply-adds (m * n * k) one thread does the whole product. */
  static final long PARALLEL_MIN = 1L << 21;
  /** Smallest number of NR-wide column panels (or MR-row strips) one parallel task takes. */
  private static final int MIN_TASK_PANELS = 4;
  private static final int TASKS_PER_THREAD = 4;

  private GemmF32() {}

  /** C (+)= op(A) op(B) with m, n, k >= 1 and arguments already checked by {@link Gemm}. */
  static void gemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, int threads) {
    int kBlocks = (k + KC - 1) / KC;
    int kcMax = (k + kBlocks - 1) / kBlocks;
    int mcBlock = ta ? MC : m;
    Job job = new Job(ta, tb, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    float[] packedA = ta ? GemmScratch.floats(GemmScratch.A, (Math.min(MC, m) + MR - 1) / MR * MR * kcMax) : null;
    job.ap = packedA;
    int nPanels = (n + NR - 1) / NR;
    try {
      for (int ic = 0; ic < m; ic += mcBlock) {
        int mc = Math.min(mcBlock, m - ic);
        int mStrips = (mc + MR - 1) / MR;
        for (int pc = 0; pc < k; pc += kcMax) {
          job.ic = ic;
          job.mc = mc;
          job.pc = pc;
          job.kc = Math.min(kcMax, k - pc);
          job.add = accumulate || pc > 0;
          if (threads <= 1) {
            if (ta) job.packA(0, mStrips);
            job.compute(0, mStrips, 0, n);
            continue;
          }
          if (ta) Parallel.forRange(mStrips, grain(mStrips, threads), job::packA);
          if (nPanels >= 2 * threads) {
            Parallel.forRange(nPanels, grain(nPanels, threads),
                (p0, p1) -> job.compute(0, mStrips, p0 * NR, Math.min(n, p1 * NR)));
          } else {
            Parallel.forRange(mStrips, grain(mStrips, threads), (s0, s1) -> job.compute(s0, s1, 0, n));
          }
        }
      }
    } finally {
      if (packedA != null) GemmScratch.release(GemmScratch.A, packedA);
    }
  }

  /** Task size: a few tasks per thread (for balance on a busy machine), none very small. */
  private static int grain(int units, int threads) {
    return Math.max(Math.min(MIN_TASK_PANELS, (units + threads - 1) / threads),
        (units + TASKS_PER_THREAD * threads - 1) / (TASKS_PER_THREAD * threads));
  }

  /** One product's arguments and the current (ic, pc) block; the block fields are set between phases. */
  private static final class Job {
    final boolean ta;
    final boolean tb;
    final float[] a;
    final float[] b;
    final float[] c;
    final int aOff;
    final int lda;
    final int bOff;
    final int ldb;
    final int cOff;
    final int ldc;
    float[] ap;
    int ic;
    int mc;
    int pc;
    int kc;
    boolean add;

    Job(boolean ta, boolean tb, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float[] c, int cOff, int ldc) {
      this.ta = ta;
      this.tb = tb;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
    }

    /**
     * Packs strips [s0, s1) of the transposed A block: strip s holds rows s*MR.. as
     * {@code ap[s * MR * kc + p * MR + r]}. Reads go along the stored rows of A, 16 values of p at a
     * time, so that power-of-two leading dimensions do not thrash the cache.
     */
    void packA(int s0, int s1) {
      int kc = this.kc;
      for (int pb = 0; pb < kc; pb += 16) {
        int pe = Math.min(kc, pb + 16);
        for (int s = s0; s < s1; s++) {
          int i0 = s * MR;
          int rows = Math.min(MR, mc - i0);
          int src = aOff + (pc + pb) * lda + ic + i0;
          int dst = s * MR * kc + pb * MR;
          if (rows == MR) {
            for (int p = pb; p < pe; p++, src += lda, dst += MR) {
              ap[dst] = a[src];
              ap[dst + 1] = a[src + 1];
              ap[dst + 2] = a[src + 2];
              ap[dst + 3] = a[src + 3];
              ap[dst + 4] = a[src + 4];
              ap[dst + 5] = a[src + 5];
            }
          } else {
            for (int p = pb; p < pe; p++, src += lda, dst += MR) {
              for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r];
            }
          }
        }
      }
    }

    /** Packs columns [jc, jc + nc) of the B block into NR-wide panels, zero-padded on the right. */
    void packB(float[] bp, int jc, int nc) {
      int kc = this.kc;
      for (int t = 0; t * NR < nc; t++) {
        int j0 = jc + t * NR;
        int w = Math.min(NR, jc + nc - j0);
        int base = t * NR * kc;
        if (!tb) {
          int src = bOff + pc * ldb + j0;
          if (w == NR) {
            for (int p = 0; p < kc; p++) {
              int s = src + p * ldb;
              int d = base + p * NR;
              FloatVector.fromArray(S, b, s).intoArray(bp, d);
              FloatVector.fromArray(S, b, s + L).intoArray(bp, d + L);
            }
          } else {
            // the right-edge panel element by element: masked loads that reach past the array
            // leave the intrinsic for the Vector API's per-lane fallback
            for (int p = 0; p < kc; p++) {
              int s = src + p * ldb;
              int d = base + p * NR;
              for (int j = 0; j < w; j++) bp[d + j] = b[s + j];
              for (int j = w; j < NR; j++) bp[d + j] = 0f;
            }
          }
        } else {
          for (int pb = 0; pb < kc; pb += 16) {
            int pe = Math.min(kc, pb + 16);
            for (int j = 0; j < w; j++) {
              int src = bOff + (j0 + j) * ldb + pc;
              for (int p = pb; p < pe; p++) bp[base + p * NR + j] = b[src + p];
            }
            for (int j = w; j < NR; j++) {
              for (int p = pb; p < pe; p++) bp[base + p * NR + j] = 0f;
            }
          }
        }
      }
    }

    /** C rows of strips [s0, s1) of the current block, columns [j0, j1), for the current k block. */
    void compute(int s0, int s1, int j0, int j1) {
      int kc = this.kc;
      float[] bp = GemmScratch.floats(GemmScratch.B, kc * Math.min(NC, (j1 - j0 + NR - 1) / NR * NR));
      try {
        for (int jc = j0; jc < j1; jc += NC) {
          int nc = Math.min(NC, j1 - jc);
          packB(bp, jc, nc);
          for (int s = s0; s < s1; s++) {
            int i = s * MR;
            int rows = Math.min(MR, mc - i);
            int ci = cOff + (ic + i) * ldc + jc;
            if (ta) {
              for (int jr = 0; jr < nc; jr += NR) {
                GemmF32Kernels.tilePacked(rows, ap, i * kc, bp, jr * kc, kc, c, ci + jr, ldc,
                    Math.min(NR, nc - jr), add);
              }
            } else {
              int ai = aOff + (ic + i) * lda + pc;
              for (int jr = 0; jr < nc; jr += NR) {
                GemmF32Kernels.tile(rows, a, ai, lda, bp, jr * kc, kc, c, ci + jr, ldc,
                    Math.min(NR, nc - jr), add);
              }
            }
          }
        }
      } finally {
        GemmScratch.release(GemmScratch.B, bp);
      }
    }
  }
}
