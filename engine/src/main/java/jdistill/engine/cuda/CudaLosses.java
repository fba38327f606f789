package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;

/**
 * Fused per-row losses on CUDA, one block per row, logits streamed twice and probabilities never
 * stored: cross-entropy with label smoothing and an ignore index (cross_entropy.cu) and the
 * soft-target distillation losses (kd_loss.cu), each writing the logit gradient in the same launch.
 */
final class CudaLosses {

  private CudaLosses() {}

  static void crossEntropy(CudaExec exec, Tensor logits, Tensor targets, long ignoreIndex, double smoothing, Tensor loss, Tensor grad) {
    DType t = logits.dtype();
    String sfx = Kernels.suffix("crossEntropy", t);
    long rows = Kernels.rows(logits);
    long v = Kernels.lastDim(logits);
    if (rows == 0) return;
    int isI64 = Kernels.indexIsI64("crossEntropy targets", targets);
    try (Temps temps = new Temps(exec)) {
      Tensor lc = CudaPointwise.contiguous(exec, temps, logits);
      Tensor tc = CudaPointwise.contiguous(exec, temps, targets);
      Tensor lo = CudaPointwise.target(temps, loss);
      Tensor g = grad == null ? null : grad.dtype() == t && grad.isContiguous() ? grad : temps.tensor(t, grad.shape());
      exec.launch("cross_entropy_" + sfx, rowGrid(exec, rows, v), new KernelArgs()
          .i64(rows).i64(v).ptr(lc).ptr(tc).i32(isI64).i64(ignoreIndex).f64(smoothing)
          .ptr(lo).i32(Kernels.code(lo.dtype())).ptrOrNull(g).f64(1.0).ptr(0).i32(Kernels.code(DType.F32)));
      CudaPointwise.finish(exec, lo, loss);
      if (g != null && g != grad) CudaPointwise.copy(exec, g, grad);
    }
  }

  static void softTargetLoss(CudaExec exec, SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor grad) {
    DType st = student.dtype();
    DType tt = teacher.dtype();
    String sfx = Kernels.suffix("softTargetLoss (student)", st) + "_" + Kernels.suffix("softTargetLoss (teacher)", tt);
    long rows = Kernels.rows(student);
    long v = Kernels.lastDim(student);
    if (rows == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor sc = CudaPointwise.contiguous(exec, temps, student);
      Tensor tc = CudaPointwise.contiguous(exec, temps, teacher);
      Tensor mc = rowMask == null ? null : CudaPointwise.contiguous(exec, temps, rowMask);
      Tensor lo = CudaPointwise.target(temps, loss);
      Tensor g = grad == null ? null : grad.dtype() == st && grad.isContiguous() ? grad : temps.tensor(st, grad.shape());
      exec.launch("kd_loss_" + sfx, rowGrid(exec, rows, v), new KernelArgs()
          .i32(kind.ordinal()).i64(rows).i64(v).ptr(sc).ptr(tc).f64(temperature)
          .ptrOrNull(mc).i32(mc == null ? Kernels.code(DType.F32) : Kernels.code(mc.dtype()))
          .ptr(lo).i32(Kernels.code(lo.dtype())).ptrOrNull(g).f64(1.0).ptr(0).i32(Kernels.code(DType.F32)));
      CudaPointwise.finish(exec, lo, loss);
      if (g != null && g != grad) CudaPointwise.copy(exec, g, grad);
    }
  }

  /** One block per row (grid-stride over rows): 256 threads, 512 for rows of 8192 and more. */
  static Grid rowGrid(CudaExec exec, long rows, long v) {
    return Kernels.blockPerRow(rows, v >= 8192 ? 512 : 256);
  }
}
