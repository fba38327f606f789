package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.ReduceOp;

/**
 * Reductions along one dim on CUDA (reduce.cu): x viewed as [outer, n, inner]; a block per row
 * when inner is 1, a (32, 8) block per 32 columns otherwise. When there are too few results to
 * fill the device and n is long, n is split into slices whose fp32 partials reduce_finish combines
 * in slice order, so results stay deterministic.
 */
final class CudaReduce {

  /** Shortest reduced dim that is split. */
  static final long SPLIT_FROM = 65536;
  /** Elements per slice of a split reduction. */
  static final long SLICE = 16384;

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
      long rowsOut = outer * inner;
      long splits = splits(exec.multiprocessors(), rowsOut, n);
      Workspace ws = Workspace.of(temps, rowsOut, splits);
      if (inner == 1) {
        exec.launch("reduce_rows_" + sfx, new Grid(Grid.clampX(Math.min(outer, Kernels.MAX_BLOCKS)), (int) splits, 1, rowThreads(n, splits), 1, 1, 0),
            new KernelArgs().i32(op.ordinal()).i64(outer).i64(n).ptr(xc).ptr(o).i64(splits).ptr(ws.values).ptr(ws.indices));
      } else {
        long gx = Grid.ceilDiv(inner, 32);
        if (gx > Integer.MAX_VALUE) throw new UnsupportedOperationException("reduce on CUDA: inner size " + inner + " is too large");
        exec.launch("reduce_cols_" + sfx, new Grid((int) gx, Grid.clampYZ(outer), (int) splits, 32, 8, 1, 0), new KernelArgs()
            .i32(op.ordinal()).i64(outer).i64(n).i64(inner).ptr(xc).ptr(o).i64(splits).ptr(ws.values).ptr(ws.indices));
      }
      ws.finish(exec, op, sfx, rowsOut, splits, o);
      if (o != out) CudaPointwise.copy(exec, o, out);
    }
  }

  /**
   * Threads of a reduce_rows block: enough 32-lane warps to cover one row slice, at most
   * {@link Kernels#THREADS}, so that short rows do not leave most of a block idle.
   */
  static int rowThreads(long n, long splits) {
    long slice = Grid.ceilDiv(n, splits);
    return (int) Math.min(Kernels.THREADS, Math.max(32, Grid.ceilDiv(slice, 32) * 32));
  }

  /** Slices of n: 1, unless there are fewer results than 2 per SM and n is long (ABI.md's rule). */
  static long splits(int sms, long results, long n) {
    if (results >= 2L * sms || n < SPLIT_FROM) return 1;
    return Math.min(Grid.ceilDiv(n, SLICE), 1024);
  }

  /** The fp32 (value, index) partials of a split reduction; null pointers when not split. */
  private record Workspace(long values, long indices) {
    static Workspace of(Temps temps, long rows, long splits) {
      if (splits <= 1) return new Workspace(0, 0);
      return new Workspace(temps.storage(DType.F32, rows * splits).address(), temps.storage(DType.I64, rows * splits).address());
    }

    void finish(CudaExec exec, ReduceOp op, String sfx, long rows, long splits, Tensor out) {
      if (splits <= 1) return;
      exec.launch("reduce_finish_" + sfx, Kernels.gridStride(rows, Kernels.THREADS), new KernelArgs()
          .i32(op.ordinal()).i64(rows).i64(splits).ptr(values).ptr(indices).ptr(out));
    }
  }
}
