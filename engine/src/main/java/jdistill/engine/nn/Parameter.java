package jdistill.engine.nn;

import java.util.Arrays;
import java.util.function.Supplier;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;

/**
 * A trainable leaf tensor of a {@link Module}: it requires grad, lives outside every step scope
 * (owned by nobody, so closing a step never frees it) and owns its storage. Its name is the
 * hierarchical name of the first module that registered it (e.g. {@code h.3.attn.c_attn.weight});
 * the tensor carries the same name for error messages.
 */
public final class Parameter {

  private Tensor data;
  private Module owner;
  private String localName;

  /**
   * Wraps {@code value} as a parameter. When a scope is open the values are copied outside it (the
   * original belongs to that scope and dies with it); a non-contiguous view is copied too.
   * Otherwise the parameter shares {@code value}'s storage and owns it from now on.
   */
  public Parameter(Tensor value) {
    if (!value.dtype().isFloating()) {
      throw new IllegalArgumentException("a parameter must be floating point, got " + value.dtype() + " of shape " + Arrays.toString(value.shape()));
    }
    Tensor leaf;
    try (var g = GradMode.noGrad()) {
      leaf = Scope.current() != null || !value.isContiguous() ? Scope.detached(value::copy) : value.detach();
    }
    this.data = leaf.requiresGrad(true);
  }

  /** A parameter whose initial value {@code init} creates with no scope current and no recording. */
  public static Parameter of(Supplier<Tensor> init) {
    try (var g = GradMode.noGrad()) {
      return new Parameter(Scope.detached(init));
    }
  }

  /** The leaf tensor to compute with (same object until {@link #moveTo} or {@link #castTo}). */
  public Tensor tensor() {
    return data;
  }

  /** The accumulated gradient, or null when no backward pass has reached this parameter. */
  public Tensor grad() {
    return data.grad();
  }

  /** Releases the gradient's storage and clears it. */
  public void zeroGrad() {
    Tensor g = data.grad();
    if (g != null) {
      data.setGrad(null);
      if (g.storage() != data.storage()) g.storage().release();
    }
  }

  /** Hierarchical name (relative to the outermost module it is registered in), or null when unregistered. */
  public String name() {
    if (owner == null) return localName;
    return owner.pathPrefix() + localName;
  }

  public int[] shape() {
    return data.shape();
  }

  public long numel() {
    return data.numel();
  }

  public DType dtype() {
    return data.dtype();
  }

  public Device device() {
    return data.device();
  }

  /**
   * Overwrites the values in place from {@code src} (same shape; any dtype and device, converted),
   * without recording. Optimizer state and references to {@link #tensor()} stay valid.
   */
  public void copyFrom(Tensor src) {
    if (!Arrays.equals(src.shape(), data.shape())) {
      throw new IllegalArgumentException(
          "parameter " + describeName() + ": cannot copy a tensor of shape " + Arrays.toString(src.shape()) + " into shape " + Arrays.toString(data.shape()));
    }
    try (var g = GradMode.noGrad(); var s = Scope.open()) {
      Tensor c = src.detach().to(data.device());
      data.backend().copy(c, data);
    }
  }

  /** Moves the values to {@code device} (a new leaf; the old storage and any gradient are released). */
  public void moveTo(Device device) {
    if (device.equals(data.device())) return;
    replace(() -> data.detach().to(device));
  }

  /** Converts the values to the floating {@code dtype} (a new leaf; old storage and gradient released). */
  public void castTo(DType dtype) {
    if (!dtype.isFloating()) throw new IllegalArgumentException("parameter " + describeName() + ": cannot cast to non-floating " + dtype);
    if (dtype == data.dtype()) return;
    replace(() -> data.detach().to(dtype));
  }

  private void replace(Supplier<Tensor> make) {
    zeroGrad();
    Tensor next;
    try (var g = GradMode.noGrad()) {
      next = Scope.detached(() -> make.get().contiguous());
    }
    Tensor old = data;
    data = next.detach().requiresGrad(true).name(old.name());
    if (next.storage() != old.storage()) old.storage().release();
  }

  /** Records the first module that registers this parameter and the name it used there. */
  void adopt(Module module, String name) {
    if (owner == null) {
      owner = module;
      localName = name;
    }
  }

  /** True when {@code module} registered this parameter first. */
  boolean ownedBy(Module module) {
    return owner == module;
  }

  /** Refreshes the tensor's name from the owner's current path. */
  void refreshName() {
    data.name(name());
  }

  private String describeName() {
    String n = name();
    return n == null ? "(unnamed)" : "'" + n + "'";
  }

  @Override
  public String toString() {
    return "Parameter(" + describeName() + ", shape=" + Arrays.toString(data.shape()) + ", dtype=" + data.dtype() + ", device=" + data.device() + ")";
  }
}
