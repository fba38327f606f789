package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.MatrixLayout;

/**
 * Batched matrix product on the CPU: loops over the (broadcast) batch dims and hands each matrix
 * to {@link Gemm}, reading transposed operands in place through their strides.
 */
final class CpuMatmul {

  private CpuMatmul() {}

  static void matmul(Tensor a, Tensor b, Tensor out, boolean accumulate) {
    if (out.dtype() == DType.BF16 || out.dtype() == DType.F16) {
      matmulViaF32(a, b, out, accumulate);
      return;
    }
    int rank = out.rank();
    int m = out.shape(rank - 2);
    int n = out.shape(rank - 1);
    int k = a.shape(rank - 1);
    MatrixLayout la = MatrixLayout.of(a);
    MatrixLayout lb = MatrixLayout.of(b);
    boolean transA = la.transposed();
    boolean transB = lb.transposed();
    int lda = la.leadingDim();
    int ldb = lb.leadingDim();
    int batches = 1;
    for (int d = 0; d < rank - 2; d++) batches *= out.shape(d);
    int[] outShape = out.shape();
    int[] aStrides = a.strides();
    int[] bStrides = b.strides();
    int nb = batches;
    Parallel.RangeBody body = (from, to) -> {
      for (int bi = from; bi < to; bi++) {
        int aOff = Math.toIntExact(a.offset());
        int bOff = Math.toIntExact(b.offset());
        int rem = bi;
        for (int d = rank - 3; d >= 0; d--) {
          int idx = rem % outShape[d];
          rem /= outShape[d];
          aOff += idx * aStrides[d];
          bOff += idx * bStrides[d];
        }
        int cOff = Math.toIntExact(out.offset()) + bi * m * n;
        if (out.dtype() == DType.F64) {
          Gemm.dgemm(transA, transB, m, n, k, ((CpuStorage) a.storage()).doubles(), aOff, lda,
              ((CpuStorage) b.storage()).doubles(), bOff, ldb, ((CpuStorage) out.storage()).doubles(), cOff, n, accumulate);
        } else {
          Gemm.sgemm(transA, transB, m, n, k, ((CpuStorage) a.storage()).floats(), aOff, lda,
              ((CpuStorage) b.storage()).floats(), bOff, ldb, ((CpuStorage) out.storage()).floats(), cOff, n, accumulate);
        }
      }
    };
    long perMatrix = (long) m * n * k;
    if (nb > 1 && perMatrix < (1L << 22)) Parallel.forRange(nb, 1, body);
    else body.run(0, nb);
  }

  /**
   * BF16/F16 operands: widened to F32 copies (same strides, so the layouts stay valid), multiplied
   * in F32, rounded once into {@code out}. The copies are plain host arrays owned by no scope.
   */
  private static void matmulViaF32(Tensor a, Tensor b, Tensor out, boolean accumulate) {
    Tensor a32 = widened(a);
    Tensor b32 = widened(b);
    Tensor o32 = new Tensor(new CpuStorage(DType.F32, out.numel()), out.shape(), out.strides(), 0);
    if (accumulate) CpuBackend.INSTANCE.copy(out, o32);
    matmul(a32, b32, o32, accumulate);
    CpuBackend.INSTANCE.copy(o32, out);
  }

  /** An F32 copy of the storage range {@code t} reads, viewed with t's shape and strides. */
  private static Tensor widened(Tensor t) {
    long last = t.offset();
    for (int d = 0; d < t.rank(); d++) last += (long) Math.max(t.shape(d) - 1, 0) * t.stride(d);
    int start = Math.toIntExact(t.offset());
    int length = Math.toIntExact(last - start + 1);
    Tensor flatSrc = new Tensor(t.storage(), new int[] {length}, new int[] {1}, start);
    Tensor flat = new Tensor(new CpuStorage(DType.F32, length), new int[] {length}, new int[] {1}, 0);
    CpuBackend.INSTANCE.copy(flatSrc, flat);
    return new Tensor(flat.storage(), t.shape(), t.strides(), 0);
  }

}
