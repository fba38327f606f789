package jdistill.engine.cuda;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * Index ops on CUDA: embedding rows (embedding.cu: index_select, and a deterministic index_add by
 * sorting (id, position) keys with a bitonic network), gather/scatter_add along a dim
 * (gather_scatter.cu) and dropout masks (dropout.cu). Out-of-range indices set the backend's error
 * flag, which the next synchronisation turns into an exception naming the kernel.
 */
final class CudaIndexing {

  /** Keys sorted per block by the local bitonic kernels. */
  static final int SORT_TILE = 2048;
  /** Threads per block of index_add_apply (one per table column). */
  static final int APPLY_THREADS = 128;

  private CudaIndexing() {}

  static void indexSelect(CudaExec exec, Tensor table, Tensor ids, Tensor out) {
    DType t = out.dtype();
    String sfx = Kernels.suffix("indexSelect", t);
    long nids = ids.numel();
    long d = table.shape(1);
    if (nids == 0 || d == 0) return;
    int isI64 = Kernels.indexIsI64("indexSelect", ids);
    try (Temps temps = new Temps(exec)) {
      Tensor tc = CudaPointwise.contiguous(exec, temps, table, t);
      Tensor ic = CudaPointwise.contiguous(exec, temps, ids);
      Tensor o = CudaPointwise.target(temps, out);
      String name = "index_select_" + sfx;
      exec.launch(name, Kernels.blockPerRow(nids, 128), new KernelArgs()
          .i64(nids).i64(d).ptr(tc).i64(table.shape(0)).ptr(ic).i32(isI64).ptr(o).ptr(exec.errorFlag(name)));
      CudaPointwise.finish(exec, o, out);
    }
  }

  static void indexAdd(CudaExec exec, Tensor table, Tensor ids, Tensor src) {
    DType t = table.dtype();
    String sfx = Kernels.suffix("indexAdd", t);
    long n = ids.numel();
    long d = table.shape(1);
    long vocab = table.shape(0);
    if (n == 0 || d == 0) return;
    if (n >= 1L << 32 || vocab >= (1L << 32) - 1) {
      throw new UnsupportedOperationException("indexAdd on CUDA: needs fewer than 2^32 ids and rows, got " + n + " ids, " + vocab + " rows");
    }
    if (d > (long) APPLY_THREADS * Grid.MAX_GRID_YZ) throw new UnsupportedOperationException("indexAdd on CUDA: rows of " + d + " elements are too long");
    int isI64 = Kernels.indexIsI64("indexAdd", ids);
    try (Temps temps = new Temps(exec)) {
      Tensor tab = CudaPointwise.contiguous(exec, temps, table);
      Tensor ic = CudaPointwise.contiguous(exec, temps, ids);
      Tensor sc = CudaPointwise.contiguous(exec, temps, src, t);
      long padded = sortSize(n);
      long keys = temps.storage(DType.I64, padded).address();
      String name = "index_add_keys";
      exec.launch(name, Kernels.gridStride(padded, Kernels.THREADS), new KernelArgs()
          .i64(n).ptr(ic).i32(isI64).i64(vocab).ptr(keys).i64(padded).ptr(exec.errorFlag(name)));
      sortKeys(exec, keys, padded);
      exec.launch("index_add_apply_" + sfx, new Grid(Grid.clampX(Math.min(n, Kernels.MAX_BLOCKS)), (int) Grid.ceilDiv(d, APPLY_THREADS), 1, APPLY_THREADS, 1, 1, 0), new KernelArgs()
          .i64(n).i64(d).ptr(keys).ptr(sc).ptr(tab).i64(vocab));
      if (tab != table) CudaPointwise.copy(exec, tab, table);
    }
  }

  /** Keys array length: a power of two, at least one sort tile. */
  static long sortSize(long n) {
    long p = SORT_TILE;
    while (p < n) p <<= 1;
    return p;
  }

  /** The host sequence of embedding.cu's bitonic sort over {@code padded} u64 keys. */
  static void sortKeys(CudaExec exec, long keys, long padded) {
    int tiles = (int) (padded / SORT_TILE);
    exec.launch("bitonic_sort_local", Grid.of(tiles, 1024), new KernelArgs().ptr(keys).i64(padded));
    for (long k = 2L * SORT_TILE; k <= padded; k <<= 1) {
      for (long j = k >> 1; j >= SORT_TILE; j >>= 1) {
        exec.launch("bitonic_merge_global", Kernels.gridStride(padded / 2, Kernels.THREADS), new KernelArgs().ptr(keys).i64(padded).i64(k).i64(j));
      }
      exec.launch("bitonic_merge_local", Grid.of(tiles, 1024), new KernelArgs().ptr(keys).i64(padded).i64(k));
    }
  }

  static void gather(CudaExec exec, Tensor x, int dim, Tensor index, Tensor out) {
    DType t = out.dtype();
    String sfx = Kernels.suffix("gather", t);
    long total = index.numel();
    if (total == 0) return;
    int[] is = index.shape();
    int isI64 = Kernels.indexIsI64("gather", index);
    try (Temps temps = new Temps(exec)) {
      Tensor xc = CudaPointwise.contiguous(exec, temps, fitOtherDims(x, dim, is), t);
      Tensor ic = CudaPointwise.contiguous(exec, temps, index);
      Tensor o = CudaPointwise.target(temps, out);
      long[] oni = outerNInner(is, dim);
      String name = "gather_" + sfx;
      exec.launch(name, Kernels.gridStride(total, Kernels.THREADS), new KernelArgs()
          .i64(oni[0]).i64(x.rank() == 0 ? 1 : x.shape(dim)).i64(oni[1]).i64(oni[2]).ptr(xc).ptr(ic).i32(isI64).ptr(o)
          .ptr(exec.errorFlag(name)));
      CudaPointwise.finish(exec, o, out);
    }
  }

  static void scatterAdd(CudaExec exec, Tensor dst, int dim, Tensor index, Tensor src) {
    DType t = dst.dtype();
    String sfx = Kernels.suffix("scatterAdd", t);
    if (index.numel() == 0) return;
    int[] is = index.shape();
    int isI64 = Kernels.indexIsI64("scatterAdd", index);
    try (Temps temps = new Temps(exec)) {
      // the kernel needs dst laid out as [outer, ndst, inner] with index's outer and inner extents
      Tensor region = fitOtherDims(dst, dim, is);
      Tensor dc = CudaPointwise.contiguous(exec, temps, region);
      Tensor sc = CudaPointwise.contiguous(exec, temps, fitOtherDims(src, -1, is), t);
      Tensor ic = CudaPointwise.contiguous(exec, temps, index);
      long[] oni = outerNInner(is, dim);
      long ndst = dst.rank() == 0 ? 1 : dst.shape(dim);
      long total = oni[0] * ndst * oni[2];
      String name = "scatter_add_" + sfx;
      exec.launch(name, Kernels.gridStride(total, Kernels.THREADS), new KernelArgs()
          .i64(oni[0]).i64(ndst).i64(oni[1]).i64(oni[2]).ptr(dc).ptr(ic).i32(isI64).ptr(sc).ptr(exec.errorFlag(name)));
      if (dc != region) CudaPointwise.copy(exec, dc, region);
    }
  }

  static void dropoutMask(CudaExec exec, long seed, long offset, double p, Tensor mask) {
    String sfx = Kernels.suffix("dropoutMask", mask.dtype());
    long n = mask.numel();
    if (n == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor o = CudaPointwise.target(temps, mask);
      exec.launch("dropout_mask_" + sfx, Kernels.gridStride(n, Kernels.THREADS), new KernelArgs().i64(n).i64(seed).i64(offset).f64(p).ptr(o));
      CudaPointwise.finish(exec, o, mask);
    }
  }

  /** [outer, n, inner] of a shape around {@code dim}. */
  static long[] outerNInner(int[] shape, int dim) {
    long outer = 1;
    long inner = 1;
    for (int d = 0; d < dim; d++) outer *= shape[d];
    for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
    return new long[] {outer, shape.length == 0 ? 1 : shape[dim], inner};
  }

  /**
   * A view of {@code t} cut to {@code shape}'s extents in every dim except {@code keepDim} (which
   * keeps t's size; -1 cuts every dim): the leading part, as torch.gather/scatter read it.
   */
  static Tensor fitOtherDims(Tensor t, int keepDim, int[] shape) {
    int[] s = t.shape();
    if (s.length != shape.length) {
      throw new IllegalArgumentException("rank " + s.length + " tensor of shape " + Arrays.toString(s) + " used with an index of shape " + Arrays.toString(shape));
    }
    int[] fitted = s.clone();
    boolean same = true;
    for (int d = 0; d < s.length; d++) {
      if (d == keepDim) continue;
      if (shape[d] > s[d]) {
        throw new IllegalArgumentException("index of shape " + Arrays.toString(shape) + " exceeds tensor of shape " + Arrays.toString(s) + " in dim " + d);
      }
      fitted[d] = shape[d];
      same &= shape[d] == s[d];
    }
    return same ? t : new Tensor(t.storage(), fitted, t.strides(), t.offset());
  }
}
