package jdistill.engine.cpu;

import jdistill.engine.Tensor;

/**
 * The sum of squares of a tensor on the CPU (for global-norm gradient clipping): elements added in
 * double, in fixed chunks whose partial sums are combined in chunk order, so the result does not
 * depend on the number of threads or on timing.
 */
final class CpuNorm {

  /** Elements per partial sum. */
  static final int CHUNK = 1 << 16;

  private CpuNorm() {}

  static double sumOfSquares(Tensor x) {
    if (!x.dtype().isFloating()) {
      throw new IllegalArgumentException("sumOfSquares needs a floating tensor, got " + x.dtype());
    }
    long numel = x.numel();
    if (numel == 0) return 0;
    if (x.isContiguous()) return contiguous(x, Math.toIntExact(x.offset()), Math.toIntExact(numel));
    // strided views: walk the rows in order (no parallelism; gradients are contiguous in practice)
    Access.Reader r = Access.reader(x);
    double[] sum = {0};
    new StridedLoop(x.shape(), x).forEachRow((off, step, n) -> {
      double s = sum[0];
      for (int i = 0; i < n; i++) {
        double v = r.get(off[0] + i * step[0]);
        s += v * v;
      }
      sum[0] = s;
    });
    return sum[0];
  }

  private static double contiguous(Tensor x, int offset, int n) {
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[] partial = new double[chunks];
    CpuStorage s = (CpuStorage) x.storage();
    Parallel.forRange(chunks, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        int lo = offset + c * CHUNK;
        int hi = Math.min(offset + n, lo + CHUNK);
        partial[c] = switch (x.dtype()) {
          case F32 -> sumF32(s.floats(), lo, hi);
          case F64 -> sumF64(s.doubles(), lo, hi);
          default -> sumAny(Access.reader(x), lo, hi);
        };
      }
    });
    double total = 0;
    for (double p : partial) total += p;
    return total;
  }

  /** Four independent double accumulators (fixed assignment of elements, so a fixed order). */
  private static double sumF32(float[] a, int lo, int hi) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = lo;
    for (; i + 3 < hi; i += 4) {
      double v0 = a[i];
      double v1 = a[i + 1];
      double v2 = a[i + 2];
      double v3 = a[i + 3];
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; i < hi; i++) {
      double v = a[i];
      s0 += v * v;
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static double sumF64(double[] a, int lo, int hi) {
    double s0 = 0;
    double s1 = 0;
    int i = lo;
    for (; i + 1 < hi; i += 2) {
      s0 += a[i] * a[i];
      s1 += a[i + 1] * a[i + 1];
    }
    if (i < hi) s0 += a[i] * a[i];
    return s0 + s1;
  }

  private static double sumAny(Access.Reader r, int lo, int hi) {
    double s = 0;
    for (int i = lo; i < hi; i++) {
      double v = r.get(i);
      s += v * v;
    }
    return s;
  }
}
