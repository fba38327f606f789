package jdistill.engine.backend;

import jdistill.engine.Tensor;

/**
 * How the last two dims of a tensor can be read as a BLAS-style matrix without copying: row-major
 * (unit stride along the last dim) or transposed (unit stride along the second last), with the
 * leading dimension. Shared by the matmul op (which copies operands that fit neither) and by
 * every backend's GEMM.
 */
public record MatrixLayout(boolean transposed, int leadingDim) {

  /** The layout of {@code t}'s last two dims, or null when they need a copy first. */
  public static MatrixLayout of(Tensor t) {
    int r = t.rank();
    int rows = t.shape(r - 2);
    int cols = t.shape(r - 1);
    int rowStride = t.stride(r - 2);
    int colStride = t.stride(r - 1);
    if ((colStride == 1 || cols == 1) && (rows == 1 || rowStride >= Math.max(cols, 1))) {
      return new MatrixLayout(false, rows == 1 ? Math.max(cols, 1) : rowStride);
    }
    if ((rowStride == 1 || rows == 1) && (cols == 1 || colStride >= Math.max(rows, 1))) {
      return new MatrixLayout(true, cols == 1 ? Math.max(rows, 1) : colStride);
    }
    return null;
  }
}
