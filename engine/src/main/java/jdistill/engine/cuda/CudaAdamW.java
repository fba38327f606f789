package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend.AdamWHyper;

/** The fused AdamW step on CUDA (adamw.cu): one pass over parameter, gradient, moments and master weights, in place. */
final class CudaAdamW {

  private CudaAdamW() {}

  static void step(CudaExec exec, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor master, AdamWHyper h) {
    long n = param.numel();
    if (n == 0) return;
    requireIn("param", param, DType.F32, DType.BF16, DType.F16);
    requireIn("m", m, DType.F32, DType.BF16);
    if (v.dtype() != m.dtype()) throw new UnsupportedOperationException("adamw on CUDA: m and v must have the same dtype, got " + m.dtype() + " and " + v.dtype());
    if (master != null) requireIn("master", master, DType.F32);
    if (!grad.dtype().isFloating()) throw new IllegalArgumentException("adamw: gradient must be floating, got " + grad.dtype());
    for (Tensor t : new Tensor[] {param, m, v, master}) {
      if (t != null && !t.isContiguous()) throw new IllegalArgumentException("adamw updates in place and needs contiguous tensors; got strides " + java.util.Arrays.toString(t.strides()));
    }
    try (Temps temps = new Temps(exec)) {
      Tensor g = CudaPointwise.contiguous(exec, temps, grad);
      exec.launch("adamw", Kernels.gridStride(n, Kernels.THREADS), new KernelArgs()
          .i64(n).ptr(param).i32(Kernels.code(param.dtype())).ptr(g).i32(Kernels.code(g.dtype()))
          .ptr(m).ptr(v).i32(Kernels.code(m.dtype())).ptrOrNull(master)
          .f64(h.lr()).f64(h.beta1()).f64(h.beta2()).f64(h.eps()).f64(h.weightDecay()).i64(h.step()).f64(h.gradScale()));
    }
  }

  private static void requireIn(String what, Tensor t, DType... allowed) {
    for (DType d : allowed) if (t.dtype() == d) return;
    throw new UnsupportedOperationException("adamw on CUDA: " + what + " must be one of " + java.util.Arrays.toString(allowed) + ", got " + t.dtype());
  }
}
