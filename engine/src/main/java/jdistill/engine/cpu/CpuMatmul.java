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

}
