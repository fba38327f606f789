package jdistill.engine.cuda;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.MatrixLayout;

/**
 * Batched matrix products on CUDA (gemm.cu): {@code C[z] = A[z] @ B[z] (+ C[z])}. BF16 runs on
 * bf16 tensor cores; F32 on TF32 tensor cores or, with {@link GemmPrecision#FP32}, on the exact
 * SIMT kernel. The tensor-core kernels are named by operand layout (n = row-major, t = transposed,
 * read in place through the strides); operands that are neither, and C with any strides, are
 * fine for the SIMT kernels, which take every stride. Batch dims are merged where the three
 * operands allow; the kernels take two batch levels and the Java side loops over any beyond.
 */
final class CudaMatmul {

  /** Rows and columns of one tensor-core block tile. */
  static final int TC_TILE = 128;
  /** Rows and columns of one SIMT block tile. */
  static final int SIMT_TILE = 64;
  /** Dynamic shared memory of the tensor-core kernels (3 stages of two 8 KB tiles). */
  static final int TC_SHARED_BYTES = 49152;

  private CudaMatmul() {}

  /** Which kernel runs a product and how its A and B are addressed. */
  record Plan(String kernel, boolean tensorCores, long sAm, long sAk, long sBk, long sBn) {}

  static void matmul(CudaExec exec, Tensor a, Tensor b, Tensor out, boolean accumulate) {
    DType t = out.dtype();
    String sfx = Kernels.suffix("matmul", t);
    int rank = out.rank();
    long m = out.shape(rank - 2);
    long n = out.shape(rank - 1);
    long k = a.shape(rank - 1);
    if (out.numel() == 0) return;
    if (k == 0) {
      if (!accumulate) CudaPointwise.fill(exec, out, 0);
      return;
    }
    try (Temps temps = new Temps(exec)) {
      Tensor ac = CudaPointwise.as(exec, temps, a, t);
      Tensor bc = CudaPointwise.as(exec, temps, b, t);
      Plan plan = plan(sfx, t, exec.f32Gemm(), ac, bc);
      int[] batchShape = Arrays.copyOf(out.shape(), rank - 2);
      Coalesced batch = Coalesced.of(batchShape, Arrays.copyOf(ac.strides(), rank - 2), Arrays.copyOf(bc.strides(), rank - 2),
          Arrays.copyOf(out.strides(), rank - 2));
      int br = batch.rank();
      // the kernels take the two innermost batch levels; outer ones are looped here
      long batch1 = batch.shape()[br - 1];
      long count = br >= 2 ? batch.shape()[br - 2] * batch1 : batch1;
      long[][] st = batch.strides();
      long sA1 = st[0][br - 1];
      long sB1 = st[1][br - 1];
      long sC1 = st[2][br - 1];
      long sA0 = br >= 2 ? st[0][br - 2] : 0;
      long sB0 = br >= 2 ? st[1][br - 2] : 0;
      long sC0 = br >= 2 ? st[2][br - 2] : 0;
      int loopDims = Math.max(0, br - 2);
      long loops = 1;
      for (int d = 0; d < loopDims; d++) loops *= batch.shape()[d];
      int es = t.byteSize();
      long aBase = CudaStorage.addressOf(ac);
      long bBase = CudaStorage.addressOf(bc);
      long cBase = CudaStorage.addressOf(out);
      long sCm = out.stride(rank - 2);
      long sCn = out.stride(rank - 1);
      int tile = plan.tensorCores ? TC_TILE : SIMT_TILE;
      long rowChunk = (long) tile * Grid.MAX_GRID_YZ;
      for (long l = 0; l < loops; l++) {
        long aOff = 0;
        long bOff = 0;
        long cOff = 0;
        long rem = l;
        for (int d = loopDims - 1; d >= 0; d--) {
          long idx = rem % batch.shape()[d];
          rem /= batch.shape()[d];
          aOff += idx * st[0][d];
          bOff += idx * st[1][d];
          cOff += idx * st[2][d];
        }
        // the kernels walk the batch with a grid-stride loop over blockIdx.z
        for (long m0 = 0; m0 < m; m0 += rowChunk) {
          long mc = Math.min(rowChunk, m - m0);
          Grid grid = new Grid(Grid.clampX(Grid.ceilDiv(n, tile)), (int) Grid.ceilDiv(mc, tile), Grid.clampYZ(count),
              256, 1, 1, plan.tensorCores ? TC_SHARED_BYTES : 0);
          exec.launch(plan.kernel, grid, new KernelArgs()
              .ptr(aBase + (aOff + m0 * plan.sAm) * es)
              .ptr(bBase + bOff * es)
              .ptr(cBase + (cOff + m0 * sCm) * es)
              .i64(mc).i64(n).i64(k).i64(plan.sAm).i64(plan.sAk).i64(plan.sBk).i64(plan.sBn).i64(sCm).i64(sCn)
              .i64(batch1).i64(count).i64(sA0).i64(sA1).i64(sB0).i64(sB1).i64(sC0).i64(sC1)
              .f64(1.0).f64(accumulate ? 1.0 : 0.0));
        }
      }
    }
  }

  /** The kernel for operands {@code a} [.., M, K] and {@code b} [.., K, N] of dtype t. */
  static Plan plan(String sfx, DType t, GemmPrecision f32, Tensor a, Tensor b) {
    int r = a.rank();
    long sAm = a.stride(r - 2);
    long sAk = a.stride(r - 1);
    long sBk = b.stride(r - 2);
    long sBn = b.stride(r - 1);
    boolean tensorCores = t == DType.BF16 || f32 == GemmPrecision.TF32;
    MatrixLayout la = MatrixLayout.of(a);
    MatrixLayout lb = MatrixLayout.of(b);
    if (!tensorCores || la == null || lb == null) {
      return new Plan("gemm_simt_" + sfx, false, sAm, sAk, sBk, sBn);
    }
    String prefix = t == DType.BF16 ? "gemm_bf16_" : "gemm_tf32_";
    // the tensor-core kernels read the unit-stride direction implicitly: pass (ld, 1) per layout
    String name = prefix + (la.transposed() ? "t" : "n") + (lb.transposed() ? "t" : "n");
    long pAm = la.transposed() ? 1 : la.leadingDim();
    long pAk = la.transposed() ? la.leadingDim() : 1;
    long pBk = lb.transposed() ? 1 : lb.leadingDim();
    long pBn = lb.transposed() ? lb.leadingDim() : 1;
    return new Plan(name, true, pAm, pAk, pBk, pBn);
  }
}
