package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reductions along one dimension of a contiguous tensor viewed as [outer, n, inner]. F32 sums are
 * vectorised (along the row when inner is 1, across inner otherwise) in a fixed order, so results
 * are deterministic; everything else runs in double.
 */
final class CpuReduce {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private CpuReduce() {}

  static void reduce(ReduceOp op, Tensor x, int dim, Tensor out) {
    int[] shape = x.shape();
    int outer = 1;
    int inner = 1;
    for (int d = 0; d < dim; d++) outer *= shape[d];
    for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
    int n = shape.length == 0 ? 1 : shape[dim];
    int xo = Math.toIntExact(x.offset());
    if (op == ReduceOp.SUM && x.dtype() == DType.F32 && out.dtype() == DType.F32) {
      sumF32(((CpuStorage) x.storage()).floats(), xo, outer, n, inner, ((CpuStorage) out.storage()).floats());
      return;
    }
    Access.Reader r = Access.reader(x);
    Access.Writer w = Access.writer(out);
    final int fInner = inner;
    Parallel.forRange(outer * inner, Math.max(1, 4096 / Math.max(n, 1)), (from, to) -> {
      for (int idx = from; idx < to; idx++) {
        int o = idx / fInner;
        int j = idx % fInner;
        int base = xo + o * n * fInner + j;
        w.set(idx, reduceLine(op, r, base, fInner, n));
      }
    });
  }

  private static double reduceLine(ReduceOp op, Access.Reader r, int base, int stride, int n) {
    switch (op) {
      case SUM -> {
        double s = 0;
        for (int k = 0; k < n; k++) s += r.get(base + k * stride);
        return s;
      }
      case MAX, MIN -> {
        double best = r.get(base);
        for (int k = 1; k < n; k++) {
          double v = r.get(base + k * stride);
          if (op == ReduceOp.MAX ? v > best || Double.isNaN(v) : v < best || Double.isNaN(v)) best = v;
        }
        return best;
      }
      case ARGMAX, ARGMIN -> {
        double best = r.get(base);
        int arg = 0;
        for (int k = 1; k < n; k++) {
          double v = r.get(base + k * stride);
          // like MAX and MIN, a NaN wins (the first one), so argmax points at what max returns
          if (!Double.isNaN(best) && (op == ReduceOp.ARGMAX ? v > best || Double.isNaN(v) : v < best || Double.isNaN(v))) {
            best = v;
            arg = k;
          }
        }
        return arg;
      }
      default -> throw new IllegalArgumentException("unknown reduction " + op);
    }
  }

  private static void sumF32(float[] x, int xo, int outer, int n, int inner, float[] out) {
    if (inner == 1) {
      Parallel.forRange(outer, Math.max(1, 16384 / Math.max(n, 1)), (from, to) -> {
        for (int o = from; o < to; o++) out[o] = rowSum(x, xo + o * n, n);
      });
      return;
    }
    Parallel.forRange(outer * ((inner + 255) / 256), 1, (from, to) -> {
      int blocks = (inner + 255) / 256;
      for (int t = from; t < to; t++) {
        int o = t / blocks;
        int j0 = (t % blocks) * 256;
        int len = Math.min(256, inner - j0);
        float[] acc = new float[len];
        for (int k = 0; k < n; k++) {
          int base = xo + (o * n + k) * inner + j0;
          int j = 0;
          for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            FloatVector.fromArray(S, acc, j).add(FloatVector.fromArray(S, x, base + j)).intoArray(acc, j);
          }
          for (; j < len; j++) acc[j] += x[base + j];
        }
        System.arraycopy(acc, 0, out, o * inner + j0, len);
      }
    });
  }

  /** Sum of {@code x[off .. off+n)} with vector lanes then a fixed-order lane reduction. */
  static float rowSum(float[] x, int off, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, off + i));
    float s = VectorMath.sumLanes(acc);
    for (; i < n; i++) s += x[off + i];
    return s;
  }
}
