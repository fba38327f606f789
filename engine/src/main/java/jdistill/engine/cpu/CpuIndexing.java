package jdistill.engine.cpu;

import jdistill.engine.CounterRng;
import jdistill.engine.Tensor;

/** Index kernels of the CPU backend: embedding rows, gather/scatter along a dim, dropout masks. */
final class CpuIndexing {

  private CpuIndexing() {}

  static void indexSelect(Tensor table, Tensor ids, Tensor out) {
    int d = table.shape(1);
    int vocab = table.shape(0);
    int count = Math.toIntExact(ids.numel());
    int to0 = Math.toIntExact(table.offset());
    int io = Math.toIntExact(ids.offset());
    Object src = ((CpuStorage) table.storage()).array();
    Object dst = ((CpuStorage) out.storage()).array();
    Parallel.forRange(count, Math.max(1, 4096 / Math.max(d, 1)), (from, to) -> {
      for (int i = from; i < to; i++) {
        long id = Access.index(ids, io + i);
        if (id < 0 || id >= vocab) {
          throw new IndexOutOfBoundsException("index " + id + " at position " + i + " is outside the table's " + vocab + " rows");
        }
        System.arraycopy(src, to0 + (int) id * d, dst, i * d, d);
      }
    });
  }

  /** Parallel over columns of the table; each thread walks all ids in order, so sums are deterministic. */
  static void indexAdd(Tensor table, Tensor ids, Tensor src) {
    int d = table.shape(1);
    int vocab = table.shape(0);
    int count = Math.toIntExact(ids.numel());
    int to0 = Math.toIntExact(table.offset());
    int io = Math.toIntExact(ids.offset());
    int so = Math.toIntExact(src.offset());
    for (int i = 0; i < count; i++) {
      long id = Access.index(ids, io + i);
      if (id < 0 || id >= vocab) throw new IndexOutOfBoundsException("index " + id + " at position " + i + " is outside the table's " + vocab + " rows");
    }
    Access.Reader rt = Access.reader(table);
    Access.Reader rs = Access.reader(src);
    Access.Writer wt = Access.writer(table);
    Parallel.forRange(d, 16, (from, to) -> {
      for (int i = 0; i < count; i++) {
        int row = (int) Access.index(ids, io + i);
        for (int j = from; j < to; j++) {
          int t = to0 + row * d + j;
          wt.set(t, rt.get(t) + rs.get(so + i * d + j));
        }
      }
    });
  }

  static void gather(Tensor x, int dim, Tensor index, Tensor out) {
    int[] is = index.shape();
    int[] xs = x.shape();
    int outer = 1;
    int inner = 1;
    for (int d = 0; d < dim; d++) outer *= is[d];
    for (int d = dim + 1; d < is.length; d++) inner *= is[d];
    int n = is[dim];
    int xn = xs[dim];
    int[] xStrides = x.strides();
    Access.Reader rx = Access.reader(x);
    Access.Writer w = Access.writer(out);
    int xo = Math.toIntExact(x.offset());
    int io = Math.toIntExact(index.offset());
    int fInner = inner;
    Parallel.forRange(outer * n * inner, 4096, (from, to) -> {
      for (int flat = from; flat < to; flat++) {
        int j = flat % fInner;
        int k = (flat / fInner) % n;
        int o = flat / (fInner * n);
        long id = Access.index(index, io + flat);
        if (id < 0 || id >= xn) throw new IndexOutOfBoundsException("gather index " + id + " out of range [0, " + xn + ") along dim " + dim);
        int xOff = xo + offsetOf(o, (int) id, j, dim, is, xStrides);
        w.set(flat, rx.get(xOff));
      }
    });
  }

  static void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
    int[] is = index.shape();
    int[] ds = dst.shape();
    int[] dStrides = dst.strides();
    int[] sStrides = src.strides();
    int total = Math.toIntExact(index.numel());
    Access.Reader rd = Access.reader(dst);
    Access.Reader rs = Access.reader(src);
    Access.Writer w = Access.writer(dst);
    int dOff0 = Math.toIntExact(dst.offset());
    int sOff0 = Math.toIntExact(src.offset());
    int io = Math.toIntExact(index.offset());
    int inner = 1;
    for (int d = dim + 1; d < is.length; d++) inner *= is[d];
    int n = is[dim];
    // sequential in index order: deterministic; scatter is not on any hot path
    for (int flat = 0; flat < total; flat++) {
      int j = flat % inner;
      int k = (flat / inner) % n;
      int o = flat / (inner * n);
      long id = Access.index(index, io + flat);
      if (id < 0 || id >= ds[dim]) throw new IndexOutOfBoundsException("scatter index " + id + " out of range [0, " + ds[dim] + ") along dim " + dim);
      int dOff = dOff0 + offsetOf(o, (int) id, j, dim, is, dStrides);
      int sOff = sOff0 + offsetOf(o, k, j, dim, is, sStrides);
      w.set(dOff, rd.get(dOff) + rs.get(sOff));
    }
  }

  /** Storage offset of (outer multi-index o, position k along dim, inner multi-index j) in a tensor. */
  private static int offsetOf(int o, int k, int j, int dim, int[] idxShape, int[] strides) {
    int off = k * strides[dim];
    int rem = j;
    for (int d = idxShape.length - 1; d > dim; d--) {
      off += (rem % idxShape[d]) * strides[d];
      rem /= idxShape[d];
    }
    rem = o;
    for (int d = dim - 1; d >= 0; d--) {
      off += (rem % idxShape[d]) * strides[d];
      rem /= idxShape[d];
    }
    return off;
  }

  static void dropoutMask(long seed, long offset, double p, Tensor mask) {
    Access.Writer w = Access.writer(mask);
    int n = Math.toIntExact(mask.numel());
    double keepScale = 1.0 / (1.0 - p);
    Parallel.forRange(n, 8192, (from, to) -> {
      for (int i = from; i < to; i++) w.set(i, CounterRng.uniform(seed, offset + i) >= p ? keepScale : 0.0);
    });
  }
}
