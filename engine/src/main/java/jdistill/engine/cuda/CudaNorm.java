package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * The sum of squares on CUDA (norm.cu), for global-norm gradient clipping: {@code sumsq_partial}
 * writes one fp32 partial per block (fixed grid, fixed block tree), {@code sumsq_finish} adds the
 * partials in a fixed order in double into an F32 result. Deterministic; no atomics.
 */
final class CudaNorm {

  /** Threads per block of both kernels. */
  static final int THREADS = 256;
  /** Most partials (blocks of the first pass). */
  static final long MAX_PARTIALS = 1024;

  private CudaNorm() {}

  /** Blocks of the first pass over n elements: {@code min(ceil(n / 2048), 1024)} (ABI.md). */
  static long partials(long n) {
    return Math.max(1, Math.min(Grid.ceilDiv(n, 2048), MAX_PARTIALS));
  }

  /**
   * Writes (or with {@code accumulate} adds) the sum of squares of floating {@code x} into element
   * 0 of {@code out}, a contiguous F32 device tensor. Tensors other than contiguous F32 / BF16 go
   * through a contiguous copy (F16 and F64 converted to F32).
   */
  static void sumOfSquares(CudaExec exec, Tensor x, Tensor out, boolean accumulate) {
    if (!x.dtype().isFloating()) throw new IllegalArgumentException("sumOfSquares needs a floating tensor, got " + x.dtype());
    if (out.dtype() != DType.F32 || !out.isContiguous() || out.numel() < 1) {
      throw new IllegalArgumentException("sumOfSquares on CUDA writes a contiguous F32 result, got " + out.dtype() + " " + java.util.Arrays.toString(out.shape()));
    }
    long n = x.numel();
    if (n == 0) {
      if (!accumulate) CudaPointwise.fill(exec, out, 0);
      return;
    }
    DType t = x.dtype() == DType.BF16 ? DType.BF16 : DType.F32;
    String sfx = Kernels.suffix("sumOfSquares", t);
    try (Temps temps = new Temps(exec)) {
      Tensor xc = CudaPointwise.contiguous(exec, temps, x, t);
      long parts = partials(n);
      CudaStorage partial = temps.storage(DType.F32, parts);
      exec.launch("sumsq_partial_" + sfx, Grid.of(parts, THREADS), new KernelArgs().i64(n).ptr(xc).ptr(partial.address()));
      exec.launch("sumsq_finish", Grid.of(1, THREADS), new KernelArgs().i64(parts).ptr(partial.address()).ptr(out).bool(accumulate));
    }
  }
}
