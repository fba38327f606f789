package jdistill.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdistill.engine.autograd.Backward;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.autograd.Node;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.backend.Storage;
import jdistill.engine.ops.Elementwise;
import jdistill.engine.ops.Linalg;
import jdistill.engine.ops.Nn;
import jdistill.engine.ops.Reductions;
import jdistill.engine.ops.Views;

/**
 * An n-dimensional array: a strided view (shape, strides, offset) of a {@link Storage} on one
 * device, plus its autograd state. Views share storage and never copy; {@link #contiguous()}
 * copies only when the layout requires it. The methods here are thin entries into the op
 * families in {@code jdistill.engine.ops}; the functional forms of the neural-network ops live in
 * {@link F}.
 */
public final class Tensor {

  private final Storage storage;
  private final int[] shape;
  private final int[] strides;
  private final long offset;

  private boolean requiresGrad;
  private boolean retainsGrad;
  private Tensor grad;
  private Node gradFn;
  private String name;

  /** A view of {@code storage}; most code uses the factories and ops instead. */
  public Tensor(Storage storage, int[] shape, int[] strides, long offset) {
    if (shape.length != strides.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides " + Arrays.toString(strides) + " differ in rank");
    }
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
    }
    this.storage = storage;
    this.shape = shape.clone();
    this.strides = strides.clone();
    this.offset = offset;
  }

  // ---- factories ----------------------------------------------------------------------------

  /** An uninitialised contiguous tensor. */
  public static Tensor empty(DType dtype, Device device, int... shape) {
    long n = Shapes.numel(shape);
    Storage s = Backends.get(device).allocate(dtype, n);
    Scope.adopt(s);
    return new Tensor(s, shape, Shapes.contiguousStrides(shape), 0);
  }

  /** A tensor of the given value. */
  public static Tensor full(double value, DType dtype, Device device, int... shape) {
    Tensor t = empty(dtype, device, shape);
    t.backend().fill(t, value);
    return t;
  }

  public static Tensor zeros(DType dtype, Device device, int... shape) {
    return full(0, dtype, device, shape);
  }

  /** F32 zeros on the CPU. */
  public static Tensor zeros(int... shape) {
    return zeros(DType.F32, Device.CPU, shape);
  }

  /** F32 ones on the CPU. */
  public static Tensor ones(int... shape) {
    return full(1, DType.F32, Device.CPU, shape);
  }

  /** A tensor of zeros with this tensor's dtype, device and shape. */
  public Tensor zerosLike() {
    return zeros(dtype(), device(), shape);
  }

  /** A tensor of ones with this tensor's dtype, device and shape. */
  public Tensor onesLike() {
    return full(1, dtype(), device(), shape);
  }

  /** A 0-dimensional tensor holding {@code value}, with this tensor's dtype and device. */
  public Tensor scalarLike(double value) {
    return full(value, dtype(), device());
  }

  /** F32 CPU tensor from data (copied). */
  public static Tensor of(float[] data, int... shape) {
    checkLength(data.length, shape);
    return fromSegment(MemorySegment.ofArray(data), DType.F32, Device.CPU, shape);
  }

  /** F64 CPU tensor from data (copied). */
  public static Tensor of(double[] data, int... shape) {
    checkLength(data.length, shape);
    return fromSegment(MemorySegment.ofArray(data), DType.F64, Device.CPU, shape);
  }

  /** I64 CPU tensor from data (copied). */
  public static Tensor ofLongs(long[] data, int... shape) {
    checkLength(data.length, shape);
    return fromSegment(MemorySegment.ofArray(data), DType.I64, Device.CPU, shape);
  }

  /** I32 CPU tensor from data (copied). */
  public static Tensor ofInts(int[] data, int... shape) {
    checkLength(data.length, shape);
    return fromSegment(MemorySegment.ofArray(data), DType.I32, Device.CPU, shape);
  }

  /** A 0-dimensional F32 CPU tensor. */
  public static Tensor scalar(double value) {
    return full(value, DType.F32, Device.CPU);
  }

  /**
   * A contiguous tensor whose elements are read from {@code bytes} (little-endian, in
   * {@code dtype}'s layout), e.g. a region of a memory-mapped safetensors file.
   */
  public static Tensor fromSegment(MemorySegment bytes, DType dtype, Device device, int... shape) {
    long n = Shapes.numel(shape);
    if (bytes.byteSize() != n * dtype.byteSize()) {
      throw new IllegalArgumentException(
          "expected " + n * dtype.byteSize() + " bytes for a " + dtype + " tensor of shape " + Arrays.toString(shape) + ", got " + bytes.byteSize());
    }
    Tensor t = empty(dtype, device, shape);
    t.backend().copyFromHost(bytes, t.storage, 0, n);
    return t;
  }

  /** Integers 0..n-1 as I64 on the CPU. */
  public static Tensor arange(int n) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) v[i] = i;
    return ofLongs(v, n);
  }

  /** Normal(0, std) F32 values drawn from {@code rng}. */
  public static Tensor randn(Rng rng, double std, int... shape) {
    float[] v = new float[Math.toIntExact(Shapes.numel(shape))];
    for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
    return of(v, shape);
  }

  /** Uniform [lo, hi) F32 values drawn from {@code rng}. */
  public static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
    float[] v = new float[Math.toIntExact(Shapes.numel(shape))];
    for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    return of(v, shape);
  }

  private static void checkLength(int length, int[] shape) {
    if (length != Shapes.numel(shape)) {
      throw new IllegalArgumentException("data has " + length + " elements but shape " + Arrays.toString(shape) + " needs " + Shapes.numel(shape));
    }
  }

  // ---- layout ---------------------------------------------------------------------------------

  public Storage storage() {
    return storage;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Size of dimension {@code dim} (negative counts from the end). */
  public int shape(int dim) {
    return shape[Shapes.dim(dim, shape.length)];
  }

  /** A copy of the strides, in elements. */
  public int[] strides() {
    return strides.clone();
  }

  /** Stride of dimension {@code dim}, in elements. */
  public int stride(int dim) {
    return strides[Shapes.dim(dim, shape.length)];
  }

  /** Element offset of the first element in the storage. */
  public long offset() {
    return offset;
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  public long numel() {
    return Shapes.numel(shape);
  }

  public DType dtype() {
    return storage.dtype();
  }

  public Device device() {
    return storage.device();
  }

  /** The backend of this tensor's device. */
  public Backend backend() {
    return Backends.get(storage.device());
  }

  /** True when elements are laid out row-major without gaps from {@link #offset()}. */
  public boolean isContiguous() {
    if (numel() == 0) return true;
    long expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] == 1) continue;
      if (strides[i] != expected) return false;
      expected *= shape[i];
    }
    return true;
  }

  // ---- data out -------------------------------------------------------------------------------

  /** The elements in row-major order as floats (converted from any dtype). */
  public float[] toFloatArray() {
    Tensor c = hostCopy(DType.F32);
    float[] out = new float[Math.toIntExact(c.numel())];
    c.backend().copyToHost(c.storage, c.offset, out.length, MemorySegment.ofArray(out));
    return out;
  }

  /** The elements in row-major order as doubles. */
  public double[] toDoubleArray() {
    Tensor c = hostCopy(DType.F64);
    double[] out = new double[Math.toIntExact(c.numel())];
    c.backend().copyToHost(c.storage, c.offset, out.length, MemorySegment.ofArray(out));
    return out;
  }

  /** The elements in row-major order as longs. */
  public long[] toLongArray() {
    Tensor c = hostCopy(DType.I64);
    long[] out = new long[Math.toIntExact(c.numel())];
    c.backend().copyToHost(c.storage, c.offset, out.length, MemorySegment.ofArray(out));
    return out;
  }

  /** The elements as raw little-endian bytes in this tensor's dtype, row-major. */
  public byte[] toBytes() {
    Tensor c = contiguous();
    byte[] out = new byte[Math.toIntExact(c.numel() * dtype().byteSize())];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(out.length, 8);
      c.backend().copyToHost(c.storage, c.offset, c.numel(), seg);
      MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
    }
    return out;
  }

  /** The single element of a one-element tensor. */
  public double item() {
    if (numel() != 1) throw new IllegalStateException("item() needs a one-element tensor, got shape " + Arrays.toString(shape));
    return toDoubleArray()[0];
  }

  private Tensor hostCopy(DType dtype) {
    try (var g = GradMode.noGrad()) {
      Tensor t = this;
      if (t.dtype() != dtype) t = t.to(dtype);
      return t.contiguous();
    }
  }

  // ---- conversion -----------------------------------------------------------------------------

  /** This tensor if already contiguous, else a contiguous copy (differentiable). */
  public Tensor contiguous() {
    return isContiguous() ? this : Views.contiguousCopy(this);
  }

  /** A contiguous copy (differentiable). */
  public Tensor copy() {
    return Views.contiguousCopy(this);
  }

  /** Converted to {@code dtype} (differentiable between floating types); this if already so. */
  public Tensor to(DType dtype) {
    return dtype == dtype() ? this : Views.cast(this, dtype);
  }

  /** Moved to {@code device} (differentiable); this if already there. */
  public Tensor to(Device device) {
    return device.equals(device()) ? this : Views.toDevice(this, device);
  }

  /** A tensor sharing storage with this one but cut off from the tape. */
  public Tensor detach() {
    return new Tensor(storage, shape, strides, offset);
  }

  // ---- views ----------------------------------------------------------------------------------

  public Tensor reshape(int... newShape) {
    return Views.reshape(this, newShape);
  }

  /** Same as {@link #reshape}, named as in PyTorch. */
  public Tensor view(int... newShape) {
    return Views.reshape(this, newShape);
  }

  public Tensor permute(int... dims) {
    return Views.permute(this, dims);
  }

  public Tensor transpose(int dim0, int dim1) {
    return Views.transpose(this, dim0, dim1);
  }

  /** Transpose of the last two dimensions. */
  public Tensor mT() {
    return Views.transpose(this, -2, -1);
  }

  public Tensor narrow(int dim, int start, int length) {
    return Views.narrow(this, dim, start, length);
  }

  /** The slice at {@code index} along {@code dim}, with that dimension removed. */
  public Tensor select(int dim, int index) {
    return Views.select(this, dim, index);
  }

  /** Broadcast to {@code newShape} without copying (stride 0 along expanded dims). */
  public Tensor expand(int... newShape) {
    return Views.expand(this, newShape);
  }

  public Tensor unsqueeze(int dim) {
    return Views.unsqueeze(this, dim);
  }

  public Tensor squeeze(int dim) {
    return Views.squeeze(this, dim);
  }

  /** Merges dimensions {@code startDim..endDim} into one. */
  public Tensor flatten(int startDim, int endDim) {
    return Views.flatten(this, startDim, endDim);
  }

  // ---- elementwise ----------------------------------------------------------------------------

  public Tensor add(Tensor other) {
    return Elementwise.add(this, other);
  }

  public Tensor add(double s) {
    return Elementwise.addScalar(this, s);
  }

  public Tensor sub(Tensor other) {
    return Elementwise.sub(this, other);
  }

  public Tensor sub(double s) {
    return Elementwise.addScalar(this, -s);
  }

  public Tensor mul(Tensor other) {
    return Elementwise.mul(this, other);
  }

  public Tensor mul(double s) {
    return Elementwise.mulScalar(this, s);
  }

  public Tensor div(Tensor other) {
    return Elementwise.div(this, other);
  }

  public Tensor div(double s) {
    return Elementwise.mulScalar(this, 1.0 / s);
  }

  public Tensor neg() {
    return Elementwise.neg(this);
  }

  public Tensor pow(double exponent) {
    return Elementwise.powScalar(this, exponent);
  }

  public Tensor pow(Tensor exponent) {
    return Elementwise.pow(this, exponent);
  }

  public Tensor exp() {
    return Elementwise.exp(this);
  }

  public Tensor log() {
    return Elementwise.log(this);
  }

  public Tensor sqrt() {
    return Elementwise.sqrt(this);
  }

  public Tensor rsqrt() {
    return Elementwise.rsqrt(this);
  }

  public Tensor tanh() {
    return Elementwise.tanh(this);
  }

  public Tensor sigmoid() {
    return Elementwise.sigmoid(this);
  }

  public Tensor relu() {
    return Elementwise.relu(this);
  }

  /** GELU, tanh approximation (GPT-2's gelu_new). */
  public Tensor gelu() {
    return Elementwise.geluTanh(this);
  }

  /** GELU, exact erf form (BERT). */
  public Tensor geluErf() {
    return Elementwise.geluErf(this);
  }

  public Tensor abs() {
    return Elementwise.abs(this);
  }

  /** Values limited to [min, max]; the gradient passes only where the value was inside. */
  public Tensor clamp(double min, double max) {
    return Elementwise.clamp(this, min, max);
  }

  /** Elementwise maximum with broadcasting (gradient to the larger; ties split evenly). */
  public Tensor maximum(Tensor other) {
    return Elementwise.maximum(this, other);
  }

  /** Elementwise minimum with broadcasting. */
  public Tensor minimum(Tensor other) {
    return Elementwise.minimum(this, other);
  }

  /** 1 where equal, else 0 (not differentiable). */
  public Tensor eq(Tensor other) {
    return Elementwise.compare(jdistill.engine.backend.BinaryOp.EQ, this, other);
  }

  /** 1 where this > other, else 0 (not differentiable). */
  public Tensor gt(Tensor other) {
    return Elementwise.compare(jdistill.engine.backend.BinaryOp.GT, this, other);
  }

  /** 1 where this < other, else 0 (not differentiable). */
  public Tensor lt(Tensor other) {
    return Elementwise.compare(jdistill.engine.backend.BinaryOp.LT, this, other);
  }

  /** {@code value} where {@code mask} is non-zero, this elsewhere (mask broadcasts). */
  public Tensor maskedFill(Tensor mask, double value) {
    return Elementwise.maskedFill(this, mask, value);
  }

  // ---- reductions -----------------------------------------------------------------------------

  /** Sum of all elements (0-dimensional). */
  public Tensor sum() {
    return Reductions.sumAll(this);
  }

  public Tensor sum(int dim, boolean keepDim) {
    return Reductions.sum(this, new int[] {dim}, keepDim);
  }

  public Tensor sum(int[] dims, boolean keepDim) {
    return Reductions.sum(this, dims, keepDim);
  }

  /** Mean of all elements (0-dimensional). */
  public Tensor mean() {
    return Reductions.meanAll(this);
  }

  public Tensor mean(int dim, boolean keepDim) {
    return Reductions.mean(this, new int[] {dim}, keepDim);
  }

  public Tensor mean(int[] dims, boolean keepDim) {
    return Reductions.mean(this, dims, keepDim);
  }

  /** Maximum along a dim (gradient to the first maximum). */
  public Tensor max(int dim, boolean keepDim) {
    return Reductions.max(this, dim, keepDim);
  }

  /** Minimum along a dim (gradient to the first minimum). */
  public Tensor min(int dim, boolean keepDim) {
    return Reductions.min(this, dim, keepDim);
  }

  /** Index (I64) of the first maximum along a dim. */
  public Tensor argmax(int dim, boolean keepDim) {
    return Reductions.argmax(this, dim, keepDim);
  }

  // ---- linear algebra and nn ------------------------------------------------------------------

  /** Matrix product with batching and broadcasting of leading dims (as torch.matmul). */
  public Tensor matmul(Tensor other) {
    return Linalg.matmul(this, other);
  }

  public Tensor softmax(int dim) {
    return Nn.softmax(this, dim, false);
  }

  public Tensor logSoftmax(int dim) {
    return Nn.softmax(this, dim, true);
  }

  // ---- autograd -------------------------------------------------------------------------------

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf as needing gradients; returns this. */
  public Tensor requiresGrad(boolean value) {
    if (gradFn != null && !value) {
      throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor: use detach() instead");
    }
    if (value && !dtype().isFloating()) {
      throw new IllegalArgumentException("only floating-point tensors can require gradients, this one is " + dtype());
    }
    this.requiresGrad = value;
    return this;
  }

  /** The accumulated gradient (null until a backward pass reaches this tensor). */
  public Tensor grad() {
    return grad;
  }

  /** Replaces the gradient (null clears it). */
  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape, shape)) {
      throw new IllegalArgumentException("gradient shape " + Arrays.toString(g.shape) + " does not match tensor shape " + Arrays.toString(shape));
    }
    this.grad = g;
  }

  /** The node that produced this tensor, or null for leaves. */
  public Node gradFn() {
    return gradFn;
  }

  /** True for tensors not produced by a recorded op. */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /** Keeps this non-leaf's gradient in {@link #grad()} during backward; returns this. */
  public Tensor retainGrad() {
    if (!requiresGrad) throw new IllegalStateException("retainGrad() on a tensor that does not require grad");
    retainsGrad = true;
    return this;
  }

  public boolean retainsGrad() {
    return retainsGrad;
  }

  /** Optional name for messages (parameters carry their hierarchical name). */
  public String name() {
    return name;
  }

  public Tensor name(String n) {
    this.name = n;
    return this;
  }

  /** Backward pass from a one-element tensor (gradient 1). */
  public void backward() {
    if (numel() != 1) {
      throw new IllegalStateException("backward() without a gradient needs a one-element output, got shape " + Arrays.toString(shape) + "; pass the output gradient");
    }
    Backward.run(this, onesLike(), false);
  }

  /** Backward pass with an explicit output gradient. */
  public void backward(Tensor gradient, boolean retainGraph) {
    Backward.run(this, gradient, retainGraph);
  }

  /**
   * Adds {@code g} into this tensor's gradient. Leaf gradients are created outside any scope so
   * they survive the step that computed them.
   */
  public void accumulateGrad(Tensor g) {
    Tensor gg = g.dtype() == dtype() ? g : g.to(dtype());
    Tensor old = grad;
    grad = Scope.detached(() -> old == null ? gg.copy() : old.add(gg));
    if (old != null) old.storage.release();
  }

  /**
   * Attaches an autograd node to a freshly computed output when recording is on and an input
   * requires grad; returns the output. Ops call this once per output.
   */
  public static Tensor record(Tensor out, String op, Tensor[] inputs, Node.BackwardFn backward) {
    if (!GradMode.isEnabled()) return out;
    boolean needs = false;
    for (Tensor in : inputs) needs |= in != null && in.requiresGrad;
    if (!needs) return out;
    out.requiresGrad = true;
    out.gradFn = new Node(op, inputs, backward);
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor(shape=").append(Arrays.toString(shape)).append(", dtype=").append(dtype()).append(", device=").append(device());
    if (gradFn != null) sb.append(", grad_fn=").append(gradFn);
    else if (requiresGrad) sb.append(", requires_grad");
    if (numel() <= 16 && !storage.isReleased()) sb.append(", values=").append(Arrays.toString(toDoubleArray()));
    return sb.append(')').toString();
  }
}
