package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdistill.engine.backend.ReduceOp;

/** Sums, means, extrema and arg-extrema along dimensions, with gradients. */
public final class Reductions {

  private Reductions() {}

  /** Reduces one dim with keepdim (no tape). */
  static Tensor reduceRaw(ReduceOp op, Tensor x, int dim) {
    Tensor src = x.isContiguous() ? x : Views.contiguousCopy(x.detach());
    int[] shape = src.shape();
    if (shape.length > 0) shape[dim] = 1;
    DType dtype = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I64 : x.dtype();
    Tensor out = Tensor.empty(dtype, x.device(), shape);
    if (x.rank() > 0 && x.shape(dim) == 0) {
      if (op != ReduceOp.SUM) throw new IllegalArgumentException(op + " over an empty dimension " + dim);
      out.backend().fill(out, 0);
      return out;
    }
    x.backend().reduce(op, src, x.rank() == 0 ? 0 : dim, out);
    return out;
  }

  private static int[] normalizeDims(int[] dims, int rank) {
    int[] d = new int[dims.length];
    for (int i = 0; i < dims.length; i++) d[i] = Shapes.dim(dims[i], rank);
    int[] sorted = d.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) throw new IllegalArgumentException("dimension " + sorted[i] + " given twice in " + Arrays.toString(dims));
    }
    return sorted;
  }

  private static int[] keptShape(int[] shape, int[] dims) {
    int[] s = shape.clone();
    for (int d : dims) s[d] = 1;
    return s;
  }

  private static int[] droppedShape(int[] shape, int[] dims) {
    int[] s = new int[shape.length - dims.length];
    int j = 0;
    for (int i = 0; i < shape.length; i++) {
      if (Arrays.binarySearch(dims, i) < 0) s[j++] = shape[i];
    }
    return s;
  }

  public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
    int[] d = normalizeDims(dims, x.rank());
    // contiguous first: with no dims to reduce the result below is this data relabelled row-major
    Tensor out = x.detach().contiguous();
    for (int i = d.length - 1; i >= 0; i--) out = reduceRaw(ReduceOp.SUM, out, d[i]);
    int[] kept = keptShape(x.shape(), d);
    int[] finalShape = keepDim ? kept : droppedShape(x.shape(), d);
    out = new Tensor(out.storage(), finalShape, Shapes.contiguousStrides(finalShape), out.offset());
    int[] inShape = x.shape();
    return Tensor.record(out, "sum", new Tensor[] {x}, g -> new Tensor[] {g.reshape(kept).expand(inShape)});
  }

  public static Tensor sumAll(Tensor x) {
    int[] all = new int[x.rank()];
    for (int i = 0; i < all.length; i++) all[i] = i;
    return sum(x, all, false);
  }

  public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
    int[] d = normalizeDims(dims, x.rank());
    long count = 1;
    for (int i : d) count *= x.shape(i);
    return sum(x, d, keepDim).mul(1.0 / count);
  }

  public static Tensor meanAll(Tensor x) {
    return sumAll(x).mul(1.0 / Math.max(1, x.numel()));
  }

  public static Tensor max(Tensor x, int dim, boolean keepDim) {
    return extremum(ReduceOp.MAX, ReduceOp.ARGMAX, x, dim, keepDim);
  }

  public static Tensor min(Tensor x, int dim, boolean keepDim) {
    return extremum(ReduceOp.MIN, ReduceOp.ARGMIN, x, dim, keepDim);
  }

  private static Tensor extremum(ReduceOp op, ReduceOp argOp, Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.rank());
    Tensor kept = reduceRaw(op, x.detach(), d);
    int[] inShape = x.shape();
    int[] keptShape = kept.shape();
    int[] outShape = keepDim ? keptShape : droppedShape(inShape, new int[] {d});
    Tensor out = new Tensor(kept.storage(), outShape, Shapes.contiguousStrides(outShape), 0);
    Tensor xd = x.detach();
    return Tensor.record(out, op.name().toLowerCase(), new Tensor[] {x}, g -> {
      Tensor idx = reduceRaw(argOp, xd, d);
      Tensor gi = Tensor.zeros(g.dtype(), g.device(), inShape);
      g.backend().scatterAdd(gi, d, idx, g.reshape(keptShape).contiguous());
      return new Tensor[] {gi};
    });
  }

  /** Index of the first maximum along {@code dim}, as I64 (no gradient). */
  public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.rank());
    Tensor kept = reduceRaw(ReduceOp.ARGMAX, x.detach(), d);
    return keepDim ? kept : kept.squeeze(d);
  }

  /** Sums a broadcast gradient back to {@code shape} (the inverse of broadcasting). */
  public static Tensor sumTo(Tensor g, int[] shape) {
    if (Arrays.equals(g.shape(), shape)) return g;
    int lead = g.rank() - shape.length;
    int[] dims = new int[g.rank()];
    int n = 0;
    for (int i = 0; i < g.rank(); i++) {
      if (i < lead || shape[i - lead] == 1 && g.shape(i) != 1) dims[n++] = i;
    }
    Tensor s = n == 0 ? g : sum(g, Arrays.copyOf(dims, n), true);
    return s.reshape(shape);
  }
}
