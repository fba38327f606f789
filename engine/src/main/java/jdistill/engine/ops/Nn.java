package jdistill.engine.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;

/**
 * Neural-network ops with fused kernels and hand-written backwards: softmax, layer norm,
 * embedding, dropout, gather and index_select, and concatenation/splitting.
 */
public final class Nn {

  private Nn() {}

  /** Softmax or log-softmax along {@code dim}. */
  public static Tensor softmax(Tensor x, int dim, boolean log) {
    int d = Shapes.dim(dim, x.rank());
    int last = x.rank() - 1;
    if (d != last) {
      return softmax(x.transpose(d, last), last, log).transpose(d, last);
    }
    Tensor src = x.detach().contiguous();
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().softmax(src, log, out);
    Tensor od = out.detach();
    return Tensor.record(out, log ? "logSoftmax" : "softmax", new Tensor[] {x}, g -> {
      Tensor dx = Tensor.empty(g.dtype(), g.device(), g.shape());
      g.backend().softmaxBackward(od, g.contiguous(), log, dx);
      return new Tensor[] {dx};
    });
  }

  /** Layer normalisation over the last dim with affine weight and bias ([last dim] each). */
  public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
    int n = x.shape(-1);
    if (weight.rank() != 1 || weight.shape(0) != n || bias.rank() != 1 || bias.shape(0) != n) {
      throw new IllegalArgumentException("layerNorm: weight " + Arrays.toString(weight.shape()) + " and bias " + Arrays.toString(bias.shape()) + " must both be [" + n + "]");
    }
    Tensor xc = x.detach().contiguous();
    Tensor wc = weight.detach().contiguous();
    Tensor bc = bias.detach().contiguous();
    int rows = (int) (x.numel() / Math.max(n, 1));
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    DType statType = x.dtype() == DType.F64 ? DType.F64 : DType.F32;
    Tensor mean = Tensor.empty(statType, x.device(), rows);
    Tensor rstd = Tensor.empty(statType, x.device(), rows);
    x.backend().layerNorm(xc, wc, bc, eps, out, mean, rstd);
    return Tensor.record(out, "layerNorm", new Tensor[] {x, weight, bias}, g -> {
      Tensor dx = Tensor.empty(x.dtype(), x.device(), x.shape());
      Tensor dw = Tensor.zeros(weight.dtype(), weight.device(), n);
      Tensor db = Tensor.zeros(bias.dtype(), bias.device(), n);
      g.backend().layerNormBackward(g.contiguous(), xc, wc, mean, rstd, dx, dw, db);
      return new Tensor[] {dx, dw, db};
    });
  }

  /** Rows of {@code table} [V, D] picked by integer {@code ids} of any shape: result ids.shape + [D]. */
  public static Tensor embedding(Tensor table, Tensor ids) {
    if (table.rank() != 2) throw new IllegalArgumentException("embedding: table must be [vocab, dim], got " + Arrays.toString(table.shape()));
    if (ids.dtype().isFloating()) throw new IllegalArgumentException("embedding: ids must be I32 or I64, got " + ids.dtype());
    int d = table.shape(1);
    Tensor flatIds = ids.contiguous().reshape((int) ids.numel());
    Tensor tc = table.detach().contiguous();
    Tensor out = Tensor.empty(table.dtype(), table.device(), (int) ids.numel(), d);
    table.backend().indexSelect(tc, flatIds, out);
    int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
    outShape[ids.rank()] = d;
    Tensor shaped = new Tensor(out.storage(), outShape, Shapes.contiguousStrides(outShape), 0);
    int[] tableShape = table.shape();
    return Tensor.record(shaped, "embedding", new Tensor[] {table}, g -> {
      Tensor gt = Tensor.zeros(table.dtype(), table.device(), tableShape);
      g.backend().indexAdd(gt, flatIds, g.contiguous().reshape((int) flatIds.numel(), d));
      return new Tensor[] {gt};
    });
  }

  /** Rows (dim 0) of {@code x} picked by {@code index} (1-D); other dims kept. */
  public static Tensor indexSelect(Tensor x, Tensor index) {
    int[] shape = x.shape();
    int rowSize = (int) (x.numel() / Math.max(1, shape[0]));
    Tensor rows = embedding(x.reshape(shape[0], rowSize), index);
    int[] outShape = shape.clone();
    outShape[0] = (int) index.numel();
    return rows.reshape(outShape);
  }

  /** torch.gather: {@code out[i][j] = x[i][index[i][j]]} along {@code dim}. */
  public static Tensor gather(Tensor x, int dim, Tensor index) {
    int d = Shapes.dim(dim, x.rank());
    if (index.rank() != x.rank()) throw new IllegalArgumentException("gather: index rank " + index.rank() + " differs from input rank " + x.rank());
    if (index.dtype().isFloating()) throw new IllegalArgumentException("gather: index must be I32 or I64, got " + index.dtype());
    for (int i = 0; i < x.rank(); i++) {
      // the kernel addresses x with the index's shape: a larger index would read outside x
      if (i != d && index.shape(i) > x.shape(i)) {
        throw new IllegalArgumentException("gather: index of shape " + Arrays.toString(index.shape()) + " is larger than the input " + Arrays.toString(x.shape()) + " in dim " + i + " (only dim " + d + " may differ)");
      }
    }
    Tensor ic = index.contiguous();
    Tensor xc = x.detach();
    Tensor out = Tensor.empty(x.dtype(), x.device(), index.shape());
    x.backend().gather(xc, d, ic, out);
    int[] inShape = x.shape();
    return Tensor.record(out, "gather", new Tensor[] {x}, g -> {
      Tensor gx = Tensor.zeros(g.dtype(), g.device(), inShape);
      g.backend().scatterAdd(gx, d, ic, g.contiguous());
      return new Tensor[] {gx};
    });
  }

  /**
   * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by
   * 1/(1-p). The mask is drawn from the counter-based stream ({@code seed}, {@code offset}), so it
   * is the same on every backend; identity when p is 0.
   */
  public static Tensor dropout(Tensor x, double p, long seed, long offset) {
    if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    if (p == 0) return x;
    Tensor mask = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().dropoutMask(seed, offset, p, mask);
    Tensor out = Elementwise.binaryRaw(jdistill.engine.backend.BinaryOp.MUL, x.detach(), mask);
    return Tensor.record(out, "dropout", new Tensor[] {x}, g -> new Tensor[] {g.mul(mask)});
  }

  /** Concatenation along {@code dim}. */
  public static Tensor cat(List<Tensor> parts, int dim) {
    if (parts.isEmpty()) throw new IllegalArgumentException("cat: no tensors");
    Tensor first = parts.get(0);
    int d = Shapes.dim(dim, first.rank());
    int[] shape = first.shape();
    int total = 0;
    for (Tensor t : parts) {
      Elementwise.checkSame("cat", first, t);
      for (int i = 0; i < shape.length; i++) {
        if (i != d && (t.rank() != shape.length || t.shape(i) != shape[i])) {
          throw new IllegalArgumentException("cat: shape " + Arrays.toString(t.shape()) + " does not match " + Arrays.toString(shape) + " outside dim " + d);
        }
      }
      total += t.shape(d);
    }
    shape[d] = total;
    Tensor out = Tensor.empty(first.dtype(), first.device(), shape);
    int[] starts = new int[parts.size()];
    int at = 0;
    for (int i = 0; i < parts.size(); i++) {
      Tensor t = parts.get(i);
      starts[i] = at;
      Tensor window = new Tensor(out.storage(), t.shape(), out.strides(), (long) at * out.stride(d));
      out.backend().copy(t.detach(), window);
      at += t.shape(d);
    }
    Tensor[] inputs = parts.toArray(new Tensor[0]);
    return Tensor.record(out, "cat", inputs, g -> {
      Tensor[] grads = new Tensor[inputs.length];
      for (int i = 0; i < inputs.length; i++) grads[i] = g.narrow(d, starts[i], inputs[i].shape(d));
      return grads;
    });
  }

  /** Stacks equally shaped tensors along a new dimension {@code dim}. */
  public static Tensor stack(List<Tensor> parts, int dim) {
    if (parts.isEmpty()) throw new IllegalArgumentException("stack: no tensors");
    int d = Shapes.dim(dim, parts.get(0).rank() + 1);
    List<Tensor> expanded = new ArrayList<>();
    for (Tensor t : parts) expanded.add(t.unsqueeze(d));
    return cat(expanded, d);
  }

  /** Splits into pieces of {@code size} along {@code dim} (the last may be smaller); views. */
  public static List<Tensor> split(Tensor x, int size, int dim) {
    int d = Shapes.dim(dim, x.rank());
    if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
    List<Tensor> out = new ArrayList<>();
    for (int start = 0; start < x.shape(d); start += size) out.add(x.narrow(d, start, Math.min(size, x.shape(d) - start)));
    return out;
  }
}
