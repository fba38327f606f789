package jdistill.engine.cpu;

import jdistill.engine.Tensor;

/**
 * Walks several equally shaped strided views together, row by row: dimensions that are laid out
 * alike in every operand are merged first, so contiguous operands become one long row. The body
 * gets, per operand, the storage index of the row's first element and the row's stride.
 */
final class StridedLoop {

  /** One row: {@code n} elements; operand k starts at {@code offsets[k]} with step {@code steps[k]}. */
  interface RowBody {
    void row(int[] offsets, int[] steps, int n);
  }

  private final int[] shape;
  private final int[][] strides;
  private final int[] base;

  /** Operands must all have {@code shape}. */
  StridedLoop(int[] shape, Tensor... operands) {
    int rank = shape.length;
    int k = operands.length;
    int[] dims = new int[Math.max(rank, 1)];
    int[][] st = new int[k][Math.max(rank, 1)];
    int r = 0;
    for (int d = 0; d < rank; d++) {
      if (shape[d] == 1) continue;
      boolean merge = r > 0;
      for (int o = 0; o < k && merge; o++) {
        merge = st[o][r - 1] == operands[o].stride(d) * shape[d];
      }
      if (merge) {
        dims[r - 1] *= shape[d];
        for (int o = 0; o < k; o++) st[o][r - 1] = operands[o].stride(d);
      } else {
        dims[r] = shape[d];
        for (int o = 0; o < k; o++) st[o][r] = operands[o].stride(d);
        r++;
      }
    }
    if (r == 0) {
      // a 0-dimensional tensor or all dims of size 1: one element, one row (strides unused)
      dims[0] = 1;
      r = 1;
    }
    this.shape = java.util.Arrays.copyOf(dims, r);
    this.strides = new int[k][];
    for (int o = 0; o < k; o++) strides[o] = java.util.Arrays.copyOf(st[o], r);
    this.base = new int[k];
    for (int o = 0; o < k; o++) base[o] = Math.toIntExact(operands[o].offset());
  }

  /** Number of rows (product of all merged dims but the last); 0 when the shape has no elements. */
  int rows() {
    if (shape[shape.length - 1] == 0) return 0;
    int n = 1;
    for (int d = 0; d < shape.length - 1; d++) n *= shape[d];
    return n;
  }

  /** Length of each row. */
  int rowLength() {
    return shape[shape.length - 1];
  }

  /** Runs {@code body} over every row, in parallel chunks when the work is large. */
  void forEachRow(RowBody body) {
    int rows = rows();
    int n = rowLength();
    int grain = Math.max(1, 32768 / Math.max(n, 1));
    Parallel.forRange(rows, grain, (from, to) -> runRows(from, to, body));
  }

  /** Runs {@code body} over rows {@code [from, to)} on the calling thread. */
  void runRows(int from, int to, RowBody body) {
    if (rows() == 0) return;
    int k = base.length;
    int last = shape.length - 1;
    int[] offsets = new int[k];
    int[] steps = new int[k];
    for (int o = 0; o < k; o++) steps[o] = strides[o][last];
    for (int row = from; row < to; row++) {
      int rem = row;
      for (int o = 0; o < k; o++) offsets[o] = base[o];
      for (int d = last - 1; d >= 0; d--) {
        int idx = rem % shape[d];
        rem /= shape[d];
        for (int o = 0; o < k; o++) offsets[o] += idx * strides[o][d];
      }
      body.row(offsets, steps, shape[last]);
    }
  }
}
