package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;

/**
 * Shape and layout ops. Views (reshape of contiguous data, permute, narrow, select, expand,
 * unsqueeze, squeeze) share storage; copies (contiguous, cast, device moves) allocate. All are
 * differentiable.
 */
public final class Views {

  private Views() {}

  public static Tensor reshape(Tensor x, int... newShape) {
    int[] shape = inferShape(x, newShape);
    if (Arrays.equals(shape, x.shape())) return x;
    Tensor src = x.isContiguous() ? x : contiguousCopy(x);
    Tensor out = new Tensor(src.storage(), shape, Shapes.contiguousStrides(shape), src.offset());
    int[] inShape = x.shape();
    return Tensor.record(out, "reshape", new Tensor[] {x}, g -> new Tensor[] {reshape(g, inShape)});
  }

  private static int[] inferShape(Tensor x, int[] newShape) {
    int[] shape = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Arrays.toString(newShape));
        infer = i;
      } else {
        known *= shape[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.numel() % known != 0) {
        throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape) + " for " + x.numel() + " elements");
      }
      shape[infer] = (int) (x.numel() / known);
    }
    if (Shapes.numel(shape) != x.numel()) {
      throw new IllegalArgumentException("reshape: shape " + Arrays.toString(newShape) + " does not fit " + x.numel() + " elements of shape " + Arrays.toString(x.shape()));
    }
    return shape;
  }

  public static Tensor permute(Tensor x, int... dims) {
    int r = x.rank();
    if (dims.length != r) throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " does not name each of the " + r + " dims once");
    int[] shape = new int[r];
    int[] strides = new int[r];
    int[] inverse = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      int d = Shapes.dim(dims[i], r);
      if (seen[d]) throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Arrays.toString(dims));
      seen[d] = true;
      shape[i] = x.shape(d);
      strides[i] = x.stride(d);
      inverse[d] = i;
    }
    Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
    return Tensor.record(out, "permute", new Tensor[] {x}, g -> new Tensor[] {permute(g, inverse)});
  }

  public static Tensor transpose(Tensor x, int dim0, int dim1) {
    int r = x.rank();
    int[] perm = new int[r];
    for (int i = 0; i < r; i++) perm[i] = i;
    int a = Shapes.dim(dim0, r);
    int b = Shapes.dim(dim1, r);
    perm[a] = b;
    perm[b] = a;
    return permute(x, perm);
  }

  public static Tensor narrow(Tensor x, int dim, int start, int length) {
    int d = Shapes.dim(dim, x.rank());
    int size = x.shape(d);
    if (start < 0 || length < 0 || start + length > size) {
      throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") is outside dim " + d + " of size " + size);
    }
    int[] shape = x.shape();
    shape[d] = length;
    Tensor out = new Tensor(x.storage(), shape, x.strides(), x.offset() + (long) start * x.stride(d));
    int[] inShape = x.shape();
    return Tensor.record(out, "narrow", new Tensor[] {x}, g -> {
      Tensor full = Tensor.zeros(g.dtype(), g.device(), inShape);
      Tensor window = new Tensor(full.storage(), shape, full.strides(), (long) start * full.stride(d));
      full.backend().copy(g, window);
      return new Tensor[] {full};
    });
  }

  public static Tensor select(Tensor x, int dim, int index) {
    int d = Shapes.dim(dim, x.rank());
    int i = index < 0 ? index + x.shape(d) : index;
    return squeeze(narrow(x, d, i, 1), d);
  }

  public static Tensor expand(Tensor x, int... newShape) {
    int r = newShape.length;
    if (r < x.rank()) throw new IllegalArgumentException("expand: cannot expand shape " + Arrays.toString(x.shape()) + " to fewer dims " + Arrays.toString(newShape));
    int[] shape = new int[r];
    int[] strides = new int[r];
    int lead = r - x.rank();
    for (int i = 0; i < r; i++) {
      int target = newShape[i];
      if (i < lead) {
        if (target < 0) throw new IllegalArgumentException("expand: -1 not allowed in new leading dim " + i);
        shape[i] = target;
        strides[i] = 0;
        continue;
      }
      int have = x.shape(i - lead);
      if (target == -1 || target == have) {
        shape[i] = have;
        strides[i] = x.stride(i - lead);
      } else if (have == 1) {
        shape[i] = target;
        strides[i] = 0;
      } else {
        throw new IllegalArgumentException("expand: shape " + Arrays.toString(x.shape()) + " cannot be expanded to " + Arrays.toString(newShape));
      }
    }
    if (Arrays.equals(shape, x.shape())) return x;
    Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
    int[] inShape = x.shape();
    return Tensor.record(out, "expand", new Tensor[] {x}, g -> new Tensor[] {Reductions.sumTo(g, inShape)});
  }

  public static Tensor unsqueeze(Tensor x, int dim) {
    int r = x.rank() + 1;
    int d = Shapes.dim(dim, r);
    int[] shape = new int[r];
    int[] strides = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      if (i == d) {
        shape[i] = 1;
        strides[i] = j < x.rank() ? x.stride(j) * x.shape(j) : 1;
      } else {
        shape[i] = x.shape(j);
        strides[i] = x.stride(j);
        j++;
      }
    }
    Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
    return Tensor.record(out, "unsqueeze", new Tensor[] {x}, g -> new Tensor[] {squeeze(g, d)});
  }

  public static Tensor squeeze(Tensor x, int dim) {
    int d = Shapes.dim(dim, x.rank());
    if (x.shape(d) != 1) throw new IllegalArgumentException("squeeze: dim " + d + " has size " + x.shape(d) + ", not 1");
    int r = x.rank() - 1;
    int[] shape = new int[r];
    int[] strides = new int[r];
    for (int i = 0, j = 0; i < x.rank(); i++) {
      if (i == d) continue;
      shape[j] = x.shape(i);
      strides[j] = x.stride(i);
      j++;
    }
    Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
    return Tensor.record(out, "squeeze", new Tensor[] {x}, g -> new Tensor[] {unsqueeze(g, d)});
  }

  public static Tensor flatten(Tensor x, int startDim, int endDim) {
    int r = x.rank();
    if (r == 0) return reshape(x, 1);
    int s = Shapes.dim(startDim, r);
    int e = Shapes.dim(endDim, r);
    int[] shape = new int[r - (e - s)];
    int j = 0;
    for (int i = 0; i < s; i++) shape[j++] = x.shape(i);
    int merged = 1;
    for (int i = s; i <= e; i++) merged *= x.shape(i);
    shape[j++] = merged;
    for (int i = e + 1; i < r; i++) shape[j++] = x.shape(i);
    return reshape(x, shape);
  }

  /** A contiguous copy, always (differentiable). */
  public static Tensor contiguousCopy(Tensor x) {
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().copy(x, out);
    return Tensor.record(out, "copy", new Tensor[] {x}, g -> new Tensor[] {g});
  }

  /** Converts the element type (gradients flow between floating types). */
  public static Tensor cast(Tensor x, DType dtype) {
    Tensor out = Tensor.empty(dtype, x.device(), x.shape());
    x.backend().copy(x, out);
    if (!dtype.isFloating()) return out;
    DType from = x.dtype();
    return Tensor.record(out, "cast", new Tensor[] {x}, g -> new Tensor[] {g.to(from)});
  }

  /** Moves to another device through host memory (the CUDA backend overrides nothing here). */
  public static Tensor toDevice(Tensor x, Device device) {
    Tensor src = x.contiguous();
    Tensor out = Tensor.empty(x.dtype(), device, x.shape());
    long bytes = x.numel() * x.dtype().byteSize();
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      var host = arena.allocate(Math.max(bytes, 1), 64);
      src.backend().copyToHost(src.storage(), src.offset(), src.numel(), host);
      out.backend().copyFromHost(host, out.storage(), 0, out.numel());
    }
    Device from = x.device();
    return Tensor.record(out, "to", new Tensor[] {x}, g -> new Tensor[] {g.to(from)});
  }
}
