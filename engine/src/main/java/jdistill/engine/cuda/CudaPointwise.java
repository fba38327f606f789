package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;

/**
 * Elementwise ops on CUDA (elementwise.cu): copy and dtype conversion between any strided views,
 * fill, unary, binary (broadcast through zero strides), binary with a scalar, where. Contiguous
 * operands take the vectorised kernels; anything else the strided ones, after merging the
 * dimensions the operands lay out alike. Op codes are the Java enum ordinals.
 */
final class CudaPointwise {

  private CudaPointwise() {}

  static void copy(CudaExec exec, Tensor src, Tensor dst) {
    long n = dst.numel();
    if (n == 0) return;
    if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
      exec.copyDeviceToDevice(CudaStorage.addressOf(dst), CudaStorage.addressOf(src), n * dst.dtype().byteSize());
      return;
    }
    Coalesced c = Coalesced.of(dst.shape(), src, dst).requireAtMost8("copy");
    exec.launch("copy_strided", Kernels.strided(n), new KernelArgs()
        .i64(n).i32(c.rank()).dims(c.shape())
        .ptr(src).i32(Kernels.code(src.dtype())).dims(c.strides()[0])
        .ptr(dst).i32(Kernels.code(dst.dtype())).dims(c.strides()[1]));
  }

  static void fill(CudaExec exec, Tensor dst, double value) {
    long n = dst.numel();
    if (n == 0) return;
    if (!dst.isContiguous()) {
      try (Temps temps = new Temps(exec)) {
        Tensor t = temps.tensor(dst.dtype(), dst.shape());
        fill(exec, t, value);
        copy(exec, t, dst);
      }
      return;
    }
    exec.launch("fill", Kernels.contiguous(n), new KernelArgs().i64(n).ptr(dst).i32(Kernels.code(dst.dtype())).f64(value));
  }

  static void unary(CudaExec exec, UnaryOp op, Tensor x, Tensor out) {
    String sfx = Kernels.suffix("unary " + op, out.dtype());
    long n = out.numel();
    if (n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor xs = as(exec, temps, x, out.dtype());
      Tensor o = target(temps, out);
      if (xs.isContiguous()) {
        exec.launch("unary_" + sfx, Kernels.contiguous(n), new KernelArgs().i32(op.ordinal()).i64(n).ptr(xs).ptr(o));
      } else {
        Coalesced c = Coalesced.of(out.shape(), xs).requireAtMost8("unary " + op);
        exec.launch("unary_strided_" + sfx, Kernels.strided(n), new KernelArgs()
            .i32(op.ordinal()).i64(n).i32(c.rank()).dims(c.shape()).ptr(xs).dims(c.strides()[0]).ptr(o));
      }
      finish(exec, o, out);
    }
  }

  static void binary(CudaExec exec, BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String sfx = Kernels.suffix("binary " + op, out.dtype());
    long n = out.numel();
    if (n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor as = as(exec, temps, a, out.dtype());
      Tensor bs = as(exec, temps, b, out.dtype());
      Tensor o = target(temps, out);
      if (as.isContiguous() && bs.isContiguous()) {
        exec.launch("binary_" + sfx, Kernels.contiguous(n), new KernelArgs().i32(op.ordinal()).i64(n).ptr(as).ptr(bs).ptr(o));
      } else {
        Coalesced c = Coalesced.of(out.shape(), as, bs).requireAtMost8("binary " + op);
        exec.launch("binary_strided_" + sfx, Kernels.strided(n), new KernelArgs()
            .i32(op.ordinal()).i64(n).i32(c.rank()).dims(c.shape())
            .ptr(as).dims(c.strides()[0]).ptr(bs).dims(c.strides()[1]).ptr(o));
      }
      finish(exec, o, out);
    }
  }

  static void binaryScalar(CudaExec exec, BinaryOp op, Tensor a, double s, boolean scalarFirst, Tensor out) {
    String sfx = Kernels.suffix("binary " + op + " with a scalar", out.dtype());
    long n = out.numel();
    if (n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor as = as(exec, temps, a, out.dtype());
      Tensor o = target(temps, out);
      if (as.isContiguous()) {
        exec.launch("binary_scalar_" + sfx, Kernels.contiguous(n), new KernelArgs()
            .i32(op.ordinal()).i64(n).ptr(as).f64(s).bool(scalarFirst).ptr(o));
      } else {
        Coalesced c = Coalesced.of(out.shape(), as).requireAtMost8("binary " + op);
        exec.launch("binary_scalar_strided_" + sfx, Kernels.strided(n), new KernelArgs()
            .i32(op.ordinal()).i64(n).i32(c.rank()).dims(c.shape()).ptr(as).dims(c.strides()[0]).f64(s).bool(scalarFirst).ptr(o));
      }
      finish(exec, o, out);
    }
  }

  static void where(CudaExec exec, Tensor cond, Tensor a, Tensor b, Tensor out) {
    String sfx = Kernels.suffix("where", out.dtype());
    long n = out.numel();
    if (n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor as = as(exec, temps, a, out.dtype());
      Tensor bs = as(exec, temps, b, out.dtype());
      Tensor o = target(temps, out);
      Coalesced c = Coalesced.of(out.shape(), cond, as, bs).requireAtMost8("where");
      exec.launch("where_" + sfx, Kernels.strided(n), new KernelArgs()
          .i64(n).i32(c.rank()).dims(c.shape())
          .ptr(cond).i32(Kernels.code(cond.dtype())).dims(c.strides()[0])
          .ptr(as).dims(c.strides()[1]).ptr(bs).dims(c.strides()[2]).ptr(o));
      finish(exec, o, out);
    }
  }

  // ---- helpers shared by the other CUDA ops ---------------------------------------------------

  /** {@code t} itself when it has {@code dtype}, else a converted contiguous scratch copy. */
  static Tensor as(CudaExec exec, Temps temps, Tensor t, DType dtype) {
    if (t.dtype() == dtype) return t;
    Tensor c = temps.tensor(dtype, t.shape());
    copy(exec, t, c);
    return c;
  }

  /** {@code t} itself when contiguous (and of {@code dtype}), else a contiguous scratch copy. */
  static Tensor contiguous(CudaExec exec, Temps temps, Tensor t, DType dtype) {
    if (t.dtype() == dtype && t.isContiguous()) return t;
    Tensor c = temps.tensor(dtype, t.shape());
    copy(exec, t, c);
    return c;
  }

  /** {@code t} itself when contiguous, else a contiguous scratch copy. */
  static Tensor contiguous(CudaExec exec, Temps temps, Tensor t) {
    return contiguous(exec, temps, t, t.dtype());
  }

  /** Where an op writes: {@code out} when contiguous, else a scratch tensor copied to out by {@link #finish}. */
  static Tensor target(Temps temps, Tensor out) {
    return out.isContiguous() ? out : temps.tensor(out.dtype(), out.shape());
  }

  /** Copies a scratch target into {@code out}; nothing when the op wrote out directly. */
  static void finish(CudaExec exec, Tensor target, Tensor out) {
    if (target != out) copy(exec, target, out);
  }
}
