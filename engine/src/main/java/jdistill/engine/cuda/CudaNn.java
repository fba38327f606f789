package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * Row-wise fused ops on CUDA: softmax and log-softmax (softmax.cu) and layer norm (layernorm.cu),
 * forward and backward. Short rows go one warp per row (8 rows per block); longer rows one block
 * per row. Layer-norm parameter gradients are column partials
 * over fixed row slices plus an in-order finish: deterministic without atomics.
 */
final class CudaNn {

  /** Longest softmax row handled by one warp. */
  static final int SOFTMAX_WARP_LIMIT = 2048;
  /** Longest layer-norm row handled by one warp. */
  static final int LAYERNORM_WARP_LIMIT = 1024;

  private CudaNn() {}

  static void softmax(CudaExec exec, Tensor x, boolean log, Tensor out) {
    String sfx = Kernels.suffix(log ? "logSoftmax" : "softmax", out.dtype());
    long rows = Kernels.rows(out);
    long n = Kernels.lastDim(out);
    if (rows == 0 || n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor xc = CudaPointwise.contiguous(exec, temps, x, out.dtype());
      Tensor o = CudaPointwise.target(temps, out);
      RowLaunch rl = RowLaunch.of(rows, n, SOFTMAX_WARP_LIMIT);
      exec.launch((rl.warp ? "softmax_warp_" : "softmax_") + sfx, rl.grid, new KernelArgs().i64(rows).i64(n).ptr(xc).ptr(o).bool(log));
      CudaPointwise.finish(exec, o, out);
    }
  }

  static void softmaxBackward(CudaExec exec, Tensor y, Tensor dy, boolean log, Tensor dx) {
    String sfx = Kernels.suffix(log ? "logSoftmax backward" : "softmax backward", dx.dtype());
    long rows = Kernels.rows(dx);
    long n = Kernels.lastDim(dx);
    if (rows == 0 || n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor yc = CudaPointwise.contiguous(exec, temps, y, dx.dtype());
      Tensor dyc = CudaPointwise.contiguous(exec, temps, dy, dx.dtype());
      Tensor o = CudaPointwise.target(temps, dx);
      RowLaunch rl = RowLaunch.of(rows, n, SOFTMAX_WARP_LIMIT);
      exec.launch((rl.warp ? "softmax_backward_warp_" : "softmax_backward_") + sfx, rl.grid,
          new KernelArgs().i64(rows).i64(n).ptr(yc).ptr(dyc).ptr(o).bool(log));
      CudaPointwise.finish(exec, o, dx);
    }
  }

  static void layerNorm(CudaExec exec, Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
    DType t = out.dtype();
    String sfx = Kernels.suffix("layerNorm", t);
    long rows = Kernels.rows(out);
    long d = Kernels.lastDim(out);
    if (rows == 0 || d == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor xc = CudaPointwise.contiguous(exec, temps, x, t);
      Tensor w = weight == null ? null : CudaPointwise.contiguous(exec, temps, weight, t);
      Tensor b = bias == null ? null : CudaPointwise.contiguous(exec, temps, bias, t);
      Tensor o = CudaPointwise.target(temps, out);
      Tensor m = mean == null ? null : f32Target(temps, mean);
      Tensor r = rstd == null ? null : f32Target(temps, rstd);
      RowLaunch rl = RowLaunch.of(rows, d, LAYERNORM_WARP_LIMIT);
      exec.launch((rl.warp ? "layernorm_warp_" : "layernorm_") + sfx, rl.grid, new KernelArgs()
          .i64(rows).i64(d).ptr(xc).ptrOrNull(w).ptrOrNull(b).f64(eps).ptr(o).ptrOrNull(m).ptrOrNull(r));
      CudaPointwise.finish(exec, o, out);
      if (m != null) CudaPointwise.finish(exec, m, mean);
      if (r != null) CudaPointwise.finish(exec, r, rstd);
    }
  }

  static void layerNormBackward(CudaExec exec, Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias) {
    DType t = x.dtype();
    String sfx = Kernels.suffix("layerNorm backward", t);
    long rows = Kernels.rows(x);
    long d = Kernels.lastDim(x);
    if (rows == 0 || d == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor dyc = CudaPointwise.contiguous(exec, temps, dy, t);
      Tensor xc = CudaPointwise.contiguous(exec, temps, x, t);
      Tensor w = weight == null ? null : CudaPointwise.contiguous(exec, temps, weight, t);
      Tensor m = CudaPointwise.contiguous(exec, temps, mean, DType.F32);
      Tensor r = CudaPointwise.contiguous(exec, temps, rstd, DType.F32);
      if (dx != null) {
        Tensor o = dx.dtype() == t && dx.isContiguous() ? dx : temps.tensor(t, dx.shape());
        RowLaunch rl = RowLaunch.of(rows, d, LAYERNORM_WARP_LIMIT);
        exec.launch((rl.warp ? "layernorm_backward_dx_warp_" : "layernorm_backward_dx_") + sfx, rl.grid, new KernelArgs()
            .i64(rows).i64(d).ptr(dyc).ptr(xc).ptrOrNull(w).ptr(m).ptr(r).ptr(o));
        if (o != dx) CudaPointwise.copy(exec, o, dx);
      }
      if (dweight == null && dbias == null) return;
      long gx = Grid.ceilDiv(d, 32);
      long parts = partialSlices(rows);
      Tensor pw = temps.tensor(DType.F32, (int) parts, (int) d);
      Tensor pb = temps.tensor(DType.F32, (int) parts, (int) d);
      exec.launch("layernorm_backward_wb_partial_" + sfx, new Grid(Grid.clampX(gx), (int) parts, 1, 32, 8, 1, 0), new KernelArgs()
          .i64(rows).i64(d).ptr(dyc).ptr(xc).ptr(m).ptr(r).ptr(pw).ptr(pb));
      // the finish kernel accumulates into dweight/dbias in dtype t: stage others through a copy
      Tensor dw = dweight == null ? null : CudaPointwise.contiguous(exec, temps, dweight, t);
      Tensor db = dbias == null ? null : CudaPointwise.contiguous(exec, temps, dbias, t);
      exec.launch("layernorm_backward_wb_finish_" + sfx, Kernels.gridStride(d, Kernels.THREADS),
          new KernelArgs().i64(d).i64(parts).ptr(pw).ptr(pb).ptrOrNull(dw).ptrOrNull(db));
      if (dw != null && dw != dweight) CudaPointwise.copy(exec, dw, dweight);
      if (db != null && db != dbias) CudaPointwise.copy(exec, db, dbias);
    }
  }

  /** Row slices of the parameter-gradient partials: {@code min(ceil(rows / 32), 256)}. */
  static long partialSlices(long rows) {
    return Math.max(1, Math.min(Grid.ceilDiv(rows, 32), 256));
  }

  private static Tensor f32Target(Temps temps, Tensor t) {
    return t.dtype() == DType.F32 && t.isContiguous() ? t : temps.tensor(DType.F32, t.shape());
  }

  /** Warp-per-row (8 rows per 256-thread block) or block-per-row (256 threads, 512 from 4096) launch. */
  record RowLaunch(boolean warp, Grid grid) {
    static RowLaunch of(long rows, long n, int warpLimit) {
      if (n <= warpLimit) return new RowLaunch(true, Grid.of(Math.min(Grid.ceilDiv(rows, 8), Kernels.MAX_BLOCKS), 256));
      return new RowLaunch(false, Kernels.blockPerRow(rows, n >= 4096 ? 512 : 256));
    }
  }
}
