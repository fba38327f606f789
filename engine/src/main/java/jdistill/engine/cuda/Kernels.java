package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;

/** Naming and sizing rules shared by the CUDA ops: kernel suffixes, dtype codes, default launch shapes. */
final class Kernels {

  /** Threads per block of the grid-stride elementwise kernels. */
  static final int ELEMENTWISE_THREADS = 256;
  /** Blocks per multiprocessor at most, for grid-stride kernels. */
  static final int BLOCKS_PER_SM = 16;

  private Kernels() {}

  /** "f32" or "bf16" for the compute dtypes; an error naming the op for every other dtype. */
  static String suffix(String op, DType dtype) {
    return switch (dtype) {
      case F32 -> "f32";
      case BF16 -> "bf16";
      default -> throw new UnsupportedOperationException(op + " on CUDA computes F32 and BF16 tensors, not " + dtype
          + "; compute " + dtype + " on the CPU (tensor.to(Device.CPU)) or convert with tensor.to(DType.F32)");
    };
  }

  /** The dtype code the kernels take: the ordinal of {@link DType} (F32=0, F64=1, BF16=2, F16=3, I32=4, I64=5). */
  static int code(DType dtype) {
    return dtype.ordinal();
  }

  /** A grid-stride launch over {@code n} elements. */
  static Grid elementwise(CudaExec exec, long n) {
    return Grid.covering(n, ELEMENTWISE_THREADS, (long) exec.multiprocessors() * BLOCKS_PER_SM);
  }

  /** 1 when {@code ids} holds I64 indices, 0 for I32; an error otherwise. */
  static int indexIsI64(String op, Tensor ids) {
    return switch (ids.dtype()) {
      case I64 -> 1;
      case I32 -> 0;
      default -> throw new IllegalArgumentException(op + ": indices must be I64 or I32, got " + ids.dtype());
    };
  }

  /** Rows of a tensor viewed as [numel / lastDim, lastDim]. */
  static long rows(Tensor t) {
    int n = t.rank() == 0 ? 1 : t.shape(-1);
    return n == 0 ? 0 : t.numel() / n;
  }

  /** The last dimension (1 for a scalar). */
  static int lastDim(Tensor t) {
    return t.rank() == 0 ? 1 : t.shape(-1);
  }
}
