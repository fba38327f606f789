package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.ReduceOp;

/**
 * Reductions along one dim on CUDA (reduce.cu): x viewed as [outer, n, inner]; a block per row
 * when inner is 1, a (32, 8) block per 32 columns otherwise. When there are too few rows to fill
 * the device and n is long, n is split into slices whose fp32 partials reduce_finish combines in
 * slice order, so results stay deterministic for a given device.
 */
final class CudaReduce {

  /** Elements per slice below which n is not split. */
  static final long MIN_SLICE = 4096;

  private CudaReduce() {}

  static void reduce(CudaExec exec, ReduceOp op, Tensor x, int dim, Tensor out) {
    String sfx = Kernels.suffix("reduce " + op, x.dtype());
    int[] shape = x.shape();
    long outer = 1;
    long inner = 1;
    for (int d = 0; d < dim; d++) outer *= shape[d];
    for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
    long n = shape.length == 0 ? 1 : shape[dim];
    boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
    if (arg && out.dtype() != DType.I64) throw new IllegalArgumentException(op + " writes I64 indices, got an output of " + out.dtype());
    if (outer * inner == 0) return;
    if (n == 0) {
      if (op != ReduceOp.SUM) throw new IllegalArgumentException(op + " over an empty dimension " + dim + " of shape " + java.util.Arrays.toString(shape));
      CudaPointwise.fill(exec, out, 0);
      return;
    }
    try (Temps temps = new Temps(exec)) {
      Tensor xc = CudaPointwise.contiguous(exec, temps, x);
      DType resultType = arg ? DType.I64 : x.dtype();
      Tensor o = out.dtype() == resultType && out.isContiguous() ? out : temps.tensor(resultType, out.shape());
      int sms = exec.multiprocessors();
      long rowsOut = outer * inner;
      if (inner == 1) {
        int threads = (int) Math.min(256, Math.max(32, Grid.ceilDiv(n, 32) * 32));
        long gx = Math.min(outer, (long) sms * 32);
        long splits = outer >= 2L * sms ? 1 : Math.max(1, Math.min(Grid.ceilDiv(4L * sms, outer), n / MIN_SLICE));
        splits = Math.min(splits, Grid.MAX_GRID_YZ);
        Workspace ws = Workspace.of(temps, rowsOut, splits);
        exec.launch("reduce_rows_" + sfx, new Grid(Grid.clampX(gx), (int) splits, 1, threads, 1, 1, 0), new KernelArgs()
            .i32(op.ordinal()).i64(outer).i64(n).ptr(xc).ptr(o).i64(splits).ptr(ws.values).ptr(ws.indices));
        ws.finish(exec, op, sfx, rowsOut, splits, o);
      } else {
        long gx = Grid.ceilDiv(inner, 32);
        long gy = Math.min(outer, Grid.MAX_GRID_YZ);
        long blocks = gx * gy;
        long splits = blocks >= 2L * sms ? 1 : Math.max(1, Math.min(Grid.ceilDiv(4L * sms, blocks), n / (MIN_SLICE / 4)));
        splits = Math.min(splits, Grid.MAX_GRID_YZ);
        if (gx > Integer.MAX_VALUE) throw new UnsupportedOperationException("reduce on CUDA: inner size " + inner + " is too large");
        Workspace ws = Workspace.of(temps, rowsOut, splits);
        exec.launch("reduce_cols_" + sfx, new Grid((int) gx, (int) gy, (int) splits, 32, 8, 1, 0), new KernelArgs()
            .i32(op.ordinal()).i64(outer).i64(n).i64(inner).ptr(xc).ptr(o).i64(splits).ptr(ws.values).ptr(ws.indices));
        ws.finish(exec, op, sfx, rowsOut, splits, o);
      }
      if (o != out) CudaPointwise.copy(exec, o, out);
    }
  }

  /** The fp32 (value, index) partials of a split reduction; null pointers when not split. */
  private record Workspace(long values, long indices) {
    static Workspace of(Temps temps, long rows, long splits) {
      if (splits <= 1) return new Workspace(0, 0);
      return new Workspace(temps.storage(DType.F32, rows * splits).address(), temps.storage(DType.I64, rows * splits).address());
    }

    void finish(CudaExec exec, ReduceOp op, String sfx, long rows, long splits, Tensor out) {
      if (splits <= 1) return;
      exec.launch("reduce_finish_" + sfx, Grid.covering(rows, 256, (long) exec.multiprocessors() * Kernels.BLOCKS_PER_SM), new KernelArgs()
          .i32(op.ordinal()).i64(rows).i64(splits).ptr(values).ptr(indices).ptr(out));
    }
  }
}
