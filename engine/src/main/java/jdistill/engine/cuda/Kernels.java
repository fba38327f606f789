package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * Naming and sizing rules shared by the CUDA ops: kernel suffixes, dtype codes, and the launch
 * shapes that kernels/src/main/cuda/ABI.md recommends. Shapes depend only on tensor shapes (so
 * every sum has the same order on every GPU), except where the ABI says otherwise.
 */
final class Kernels {

  /** Threads per block of the grid-stride kernels. */
  static final int THREADS = 256;
  /** Grid cap of the grid-stride and row kernels (they loop beyond it). */
  static final long MAX_BLOCKS = 65535L * 16;
  /** Grid cap of the elementwise kernels. */
  static final long MAX_ELEMENTWISE_BLOCKS = 65535L * 4;

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

  /** The contiguous elementwise kernels: 256 threads moving 16 bytes per step. */
  static Grid contiguous(long n) {
    return Grid.covering(Grid.ceilDiv(n, 8), THREADS, MAX_ELEMENTWISE_BLOCKS);
  }

  /** The strided elementwise kernels (and copy_strided, where): one element per thread step. */
  static Grid strided(long n) {
    return Grid.covering(n, THREADS, MAX_ELEMENTWISE_BLOCKS);
  }

  /** Any other grid-stride kernel over {@code n} items with {@code threads} per block. */
  static Grid gridStride(long n, int threads) {
    return Grid.covering(n, threads, MAX_BLOCKS);
  }

  /** Row kernels that take one block per row: {@code min(rows, 65535 * 16)} blocks. */
  static Grid blockPerRow(long rows, int threads) {
    return Grid.of(Math.min(Math.max(rows, 1), MAX_BLOCKS), threads);
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
