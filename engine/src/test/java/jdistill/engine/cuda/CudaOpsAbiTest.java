package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend.AdamWHyper;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.ReduceOp;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.backend.UnaryOp;
import jdistill.engine.cuda.RecordingExec.Launch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every CUDA op against a recording executor (no GPU) and checks each launch against the
 * kernels' real signatures parsed from the .cu sources: the kernel exists, the parameter kinds
 * match one by one, the block shape is one the kernel supports; plus the values that matter
 * (shapes, strides, op codes, dtype codes, splits, GEMM layouts) for representative cases, and
 * that every scratch buffer is released. The sources are found as {@link CudaSignatures#sourceDir()}
 * says; without them only the signature comparison is skipped.
 */
class CudaOpsAbiTest {

  private static Map<String, List<KernelArgs.Kind>> sigs;
  private static final Set<String> LAUNCHED = new TreeSet<>();

  private RecordingExec ex;
  private int liveTensors;

  @BeforeAll
  static void readSources() {
    // without the sources (a lone engine checkout) the launches are still checked, only not
    // against the parsed signatures
    Path dir = CudaSignatures.sourceDir();
    sigs = dir == null ? null : CudaSignatures.read(dir);
  }

  @AfterAll
  static void report() {
    if (sigs == null) return;
    Set<String> unused = new TreeSet<>(sigs.keySet());
    unused.removeAll(LAUNCHED);
    System.out.println("kernels no Backend op launches: " + unused);
  }

  @BeforeEach
  void setUp() {
    ex = new RecordingExec();
    liveTensors = 0;
  }

  @AfterEach
  void noScratchLeft() {
    assertEquals(liveTensors, ex.allocator.stats().inUseBlocks(), "scratch storages left in use");
  }

  private Tensor t(DType dtype, int... shape) {
    liveTensors++;
    return ex.tensor(dtype, shape);
  }

  /** A view with explicit strides over a fresh storage of {@code size} elements. */
  private Tensor view(DType dtype, long size, int[] shape, int[] strides, long offset) {
    liveTensors++;
    return new Tensor(ex.scratch(dtype, size), shape, strides, offset);
  }

  /** Checks the recorded launches against the signatures and returns them. */
  private List<Launch> launches() {
    List<Launch> ls = ex.take();
    for (Launch l : ls) {
      if (l.name().equals("memcpyDtoD")) continue;
      LAUNCHED.add(l.name());
      if (sigs != null) {
        List<KernelArgs.Kind> sig = sigs.get(l.name());
        assertNotNull(sig, "kernel " + l.name() + " is not defined in the .cu sources");
        assertEquals(sig, l.args().kinds(), "parameters of " + l.name() + " (launched with " + l.args() + ")");
      }
      Grid g = l.grid();
      assertEquals(0, g.threads() % 32, l.name() + ": block of " + g.threads() + " threads is not whole warps");
      String n = l.name();
      if (n.startsWith("bitonic_sort_local") || n.startsWith("bitonic_merge_local")) assertEquals(1024, g.blockX(), n);
      if (n.startsWith("reduce_cols_") || n.startsWith("layernorm_backward_wb_partial_")) {
        assertEquals(32, g.blockX(), n);
        assertEquals(8, g.blockY(), n);
      }
      if (n.startsWith("gemm_")) {
        assertEquals(256, g.blockX(), n);
        assertEquals(n.startsWith("gemm_simt") ? 0 : CudaMatmul.TC_SHARED_BYTES, g.sharedBytes(), n);
      }
      if (n.startsWith("softmax_warp") || n.startsWith("layernorm_warp") || n.contains("_dx_warp")) assertEquals(256, g.blockX(), n);
      if (n.startsWith("index_select_") || n.startsWith("index_add_apply_")) assertEquals(128, g.blockX(), n);
      if (n.startsWith("reduce_rows_")) assertTrue(g.blockX() % 32 == 0 && g.blockX() <= 256, n);
      if (n.startsWith("adamw") || n.startsWith("gather_") || n.startsWith("scatter_add_")) {
        assertEquals(256, g.blockX(), n);
      }
    }
    return ls;
  }

  /** The one launch since the last check. */
  private Launch single() {
    List<Launch> ls = launches();
    assertEquals(1, ls.size(), "launches: " + names(ls));
    return ls.get(0);
  }

  private static List<String> names(List<Launch> ls) {
    return ls.stream().map(Launch::name).toList();
  }

  // ---- elementwise ------------------------------------------------------------------------------

  @Test
  void copyPicksMemcpyOrStridedKernel() {
    Tensor a = t(DType.F32, 3, 5);
    Tensor b = t(DType.F32, 3, 5);
    CudaPointwise.copy(ex, a, b);
    Launch l = launches().get(0);
    assertEquals("memcpyDtoD", l.name());
    assertEquals(60L, l.i64(2));

    Tensor bt = t(DType.F32, 5, 3);
    CudaPointwise.copy(ex, a.mT(), bt);
    l = single();
    assertEquals("copy_strided", l.name());
    assertEquals(15L, l.i64(0));
    assertEquals(2, l.i32(1));
    assertArrayEquals(new long[] {5, 3, 0, 0, 0, 0, 0, 0}, l.dims(2));
    assertArrayEquals(new long[] {1, 5, 0, 0, 0, 0, 0, 0}, l.dims(5));
    assertArrayEquals(new long[] {3, 1, 0, 0, 0, 0, 0, 0}, l.dims(8));
    assertEquals(0, l.i32(4));
    assertEquals(0, l.i32(7));

    Tensor h = t(DType.BF16, 3, 5);
    CudaPointwise.copy(ex, a, h);
    l = single();
    assertEquals("copy_strided", l.name());
    assertEquals(1, l.i32(1));
    assertEquals(0, l.i32(4));
    assertEquals(2, l.i32(7));

    // a broadcast row (stride 0) and an offset view: addresses include the offset
    Tensor row = view(DType.F32, 10, new int[] {4, 5}, new int[] {0, 1}, 5);
    Tensor out = t(DType.F32, 4, 5);
    CudaPointwise.copy(ex, row, out);
    l = single();
    assertEquals(CudaStorage.addressOf(row), (Long) l.arg(3));
    assertEquals(((CudaStorage) row.storage()).address() + 20, (Long) l.arg(3));
    assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0, 0, 0}, l.dims(5));
  }

  @Test
  void fillPassesDtypeCodeAndValue() {
    for (DType d : DType.values()) {
      Tensor x = t(d, 7);
      CudaPointwise.fill(ex, x, -2.5);
      Launch l = single();
      assertEquals("fill", l.name());
      assertEquals(d.ordinal(), l.i32(2));
      assertEquals(-2.5, (Double) l.arg(3));
    }
  }

  @Test
  void unaryEveryOpBothLayoutsBothDtypes() {
    for (DType d : List.of(DType.F32, DType.BF16)) {
      String sfx = d == DType.F32 ? "f32" : "bf16";
      Tensor x = t(d, 6, 4);
      Tensor out = t(d, 6, 4);
      Tensor outT = t(d, 4, 6);
      for (UnaryOp op : UnaryOp.values()) {
        CudaPointwise.unary(ex, op, x, out);
        Launch l = single();
        assertEquals("unary_" + sfx, l.name());
        assertEquals(op.ordinal(), l.i32(0));
        assertEquals(24L, l.i64(1));
        CudaPointwise.unary(ex, op, x.mT(), outT);
        l = single();
        assertEquals("unary_strided_" + sfx, l.name());
        assertArrayEquals(new long[] {4, 6, 0, 0, 0, 0, 0, 0}, l.dims(3));
        assertArrayEquals(new long[] {1, 4, 0, 0, 0, 0, 0, 0}, l.dims(5));
      }
    }
  }

  @Test
  void binaryBroadcastsThroughZeroStrides() {
    for (DType d : List.of(DType.F32, DType.BF16)) {
      String sfx = d == DType.F32 ? "f32" : "bf16";
      Tensor a = t(d, 4, 1);
      Tensor b = t(d, 1, 6);
      Tensor out = t(d, 4, 6);
      for (BinaryOp op : BinaryOp.values()) {
        CudaPointwise.binary(ex, op, a.expand(4, 6), b.expand(4, 6), out);
        Launch l = single();
        assertEquals("binary_strided_" + sfx, l.name());
        assertEquals(op.ordinal(), l.i32(0));
        assertEquals(2, l.i32(2));
        assertArrayEquals(new long[] {4, 6, 0, 0, 0, 0, 0, 0}, l.dims(3));
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0}, l.dims(5));
        assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0, 0, 0}, l.dims(7));
      }
      Tensor c = t(d, 4, 6);
      CudaPointwise.binary(ex, BinaryOp.ADD, c, c, out);
      assertEquals("binary_" + sfx, single().name());
      CudaPointwise.binaryScalar(ex, BinaryOp.POW, c, 3.0, true, out);
      Launch l = single();
      assertEquals("binary_scalar_" + sfx, l.name());
      assertEquals(3.0, (Double) l.arg(3));
      assertEquals(1, l.i32(4));
      CudaPointwise.binaryScalar(ex, BinaryOp.SUB, a.expand(4, 6), 1.5, false, out);
      l = single();
      assertEquals("binary_scalar_strided_" + sfx, l.name());
      assertEquals(0, l.i32(7));
    }
  }

  @Test
  void mixedDtypesAreConvertedFirstAndIntegerMathIsRefused() {
    Tensor a = t(DType.BF16, 8);
    Tensor b = t(DType.F32, 8);
    Tensor out = t(DType.F32, 8);
    CudaPointwise.binary(ex, BinaryOp.MUL, a, b, out);
    assertEquals(List.of("copy_strided", "binary_f32"), names(launches()));
    Tensor d = t(DType.F64, 8);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> CudaPointwise.unary(ex, UnaryOp.EXP, d, d));
    assertTrue(e.getMessage().contains("unary EXP on CUDA computes F32 and BF16 tensors, not F64"), e.getMessage());
    Tensor i = t(DType.I64, 8);
    e = assertThrows(UnsupportedOperationException.class, () -> CudaPointwise.binary(ex, BinaryOp.ADD, i, i, i));
    assertTrue(e.getMessage().contains("binary ADD on CUDA computes F32 and BF16 tensors, not I64"), e.getMessage());
  }

  @Test
  void whereTakesAnyConditionDtype() {
    Tensor cond = t(DType.I64, 3, 1);
    Tensor a = t(DType.F32, 3, 4);
    Tensor b = t(DType.F32, 1, 4);
    Tensor out = t(DType.F32, 3, 4);
    CudaPointwise.where(ex, cond.expand(3, 4), a, b.expand(3, 4), out);
    Launch l = single();
    assertEquals("where_f32", l.name());
    assertEquals(DType.I64.ordinal(), l.i32(4));
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0}, l.dims(5));
    assertArrayEquals(new long[] {4, 1, 0, 0, 0, 0, 0, 0}, l.dims(7));
    assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0, 0, 0}, l.dims(9));
  }

  @Test
  void nonContiguousOutputIsWrittenThroughScratch() {
    Tensor x = t(DType.F32, 4, 6);
    Tensor outT = t(DType.F32, 6, 4).mT();
    CudaPointwise.unary(ex, UnaryOp.EXP, x, outT);
    assertEquals(List.of("unary_f32", "copy_strided"), names(launches()));
  }

  // ---- reductions ------------------------------------------------------------------------------

  @Test
  void reduceRowsColsAndSplits() {
    Tensor x = t(DType.F32, 7, 5000);
    Tensor o = t(DType.F32, 7, 1);
    CudaReduce.reduce(ex, ReduceOp.SUM, x, 1, o);
    Launch l = single();
    assertEquals("reduce_rows_f32", l.name());
    assertEquals(7L, l.i64(1));
    assertEquals(5000L, l.i64(2));
    assertEquals(1L, l.i64(5));
    assertEquals(0L, (Long) l.arg(6));
    assertEquals(256, l.grid().blockX());
    CudaReduce.reduce(ex, ReduceOp.ARGMAX, t(DType.F32, 9, 40), 1, t(DType.I64, 9, 1));
    assertEquals(64, single().grid().blockX()); // a short row: two warps, not eight

    Tensor y = t(DType.BF16, 3, 100000);
    Tensor yo = t(DType.BF16, 3, 1);
    CudaReduce.reduce(ex, ReduceOp.MAX, y, 1, yo);
    List<Launch> ls = launches();
    assertEquals(List.of("reduce_rows_bf16", "reduce_finish_bf16"), names(ls));
    long splits = ls.get(0).i64(5);
    assertEquals(7L, splits); // ceil(100000 / 16384)
    assertEquals(splits, ls.get(0).grid().gridY());
    assertEquals(3L, ls.get(1).i64(1));
    assertEquals(splits, ls.get(1).i64(2));

    Tensor z = t(DType.F32, 4, 300, 10);
    Tensor zi = t(DType.I64, 4, 1, 10);
    CudaReduce.reduce(ex, ReduceOp.ARGMAX, z, 1, zi);
    l = single();
    assertEquals("reduce_cols_f32", l.name());
    assertEquals(ReduceOp.ARGMAX.ordinal(), l.i32(0));
    assertEquals(4L, l.i64(1));
    assertEquals(300L, l.i64(2));
    assertEquals(10L, l.i64(3));
    assertEquals(1, l.grid().gridX());
    assertEquals(4, l.grid().gridY());

    Tensor big = t(DType.F32, 2, 1 << 16, 40);
    Tensor bo = t(DType.F32, 2, 1, 40);
    CudaReduce.reduce(ex, ReduceOp.SUM, big, 1, bo);
    ls = launches();
    assertEquals(List.of("reduce_cols_f32", "reduce_finish_f32"), names(ls));
    assertEquals(4L, ls.get(0).i64(6));
    assertEquals(4, ls.get(0).grid().gridZ());
    assertEquals(80L, ls.get(1).i64(1));
    // enough results to fill the device: never split, however long n is
    assertEquals(1, CudaReduce.splits(132, 264, 1 << 30));
    assertEquals(1, CudaReduce.splits(132, 1, 65535));
    assertEquals(1024, CudaReduce.splits(132, 1, 1L << 40));

    Tensor bad = t(DType.F32, 4, 3);
    Tensor badOut = t(DType.F32, 4, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaReduce.reduce(ex, ReduceOp.ARGMIN, bad, 1, badOut));
    assertTrue(e.getMessage().contains("ARGMIN writes I64 indices"), e.getMessage());
  }

  // ---- nn --------------------------------------------------------------------------------------

  @Test
  void softmaxWarpOrBlockPerRow() {
    for (DType d : List.of(DType.F32, DType.BF16)) {
      String sfx = d == DType.F32 ? "f32" : "bf16";
      Tensor x = t(d, 10, 100);
      Tensor y = t(d, 10, 100);
      CudaNn.softmax(ex, x, true, y);
      Launch l = single();
      assertEquals("softmax_warp_" + sfx, l.name());
      assertEquals(1, l.i32(4));
      assertEquals(2, l.grid().gridX());
      Tensor xl = t(d, 3, 5000);
      Tensor yl = t(d, 3, 5000);
      CudaNn.softmax(ex, xl, false, yl);
      l = single();
      assertEquals("softmax_" + sfx, l.name());
      assertEquals(512, l.grid().blockX());
      CudaNn.softmaxBackward(ex, yl, yl, false, xl);
      assertEquals("softmax_backward_" + sfx, single().name());
      CudaNn.softmaxBackward(ex, y, y, true, x);
      assertEquals("softmax_backward_warp_" + sfx, single().name());
    }
  }

  @Test
  void layerNormForwardAndBackward() {
    for (DType d : List.of(DType.F32, DType.BF16)) {
      String sfx = d == DType.F32 ? "f32" : "bf16";
      for (int dim : new int[] {64, 3000}) {
        Tensor x = t(d, 37, dim);
        Tensor w = t(d, dim);
        Tensor b = t(d, dim);
        Tensor out = t(d, 37, dim);
        Tensor mean = t(DType.F32, 37);
        Tensor rstd = t(DType.F32, 37);
        CudaNn.layerNorm(ex, x, w, b, 1e-5, out, mean, rstd);
        Launch l = single();
        assertEquals((dim <= 1024 ? "layernorm_warp_" : "layernorm_") + sfx, l.name());
        assertEquals(1e-5, (Double) l.arg(5));
        Tensor dx = t(d, 37, dim);
        Tensor dw = t(d, dim);
        Tensor db = t(d, dim);
        CudaNn.layerNormBackward(ex, out, x, w, mean, rstd, dx, dw, db);
        List<Launch> ls = launches();
        assertEquals(List.of((dim <= 1024 ? "layernorm_backward_dx_warp_" : "layernorm_backward_dx_") + sfx,
            "layernorm_backward_wb_partial_" + sfx, "layernorm_backward_wb_finish_" + sfx), names(ls));
        long parts = ls.get(1).grid().gridY();
        assertEquals(parts, ls.get(2).i64(1));
        assertEquals(CudaStorage.addressOf(dw), (Long) ls.get(2).arg(4));
      }
    }
    // F32 parameter gradients with BF16 activations: staged through BF16 copies and copied back
    Tensor x = t(DType.BF16, 8, 16);
    Tensor w = t(DType.F32, 16);
    Tensor mean = t(DType.F32, 8);
    Tensor rstd = t(DType.F32, 8);
    Tensor dx = t(DType.BF16, 8, 16);
    Tensor dw = t(DType.F32, 16);
    CudaNn.layerNormBackward(ex, x, x, w, mean, rstd, dx, dw, null);
    assertEquals(List.of("copy_strided", "layernorm_backward_dx_warp_bf16", "layernorm_backward_wb_partial_bf16", "copy_strided",
        "layernorm_backward_wb_finish_bf16", "copy_strided"), names(launches()));
  }

  // ---- indexing --------------------------------------------------------------------------------

  @Test
  void embeddingSelectAndDeterministicAdd() {
    Tensor table = t(DType.BF16, 1000, 48);
    Tensor ids = t(DType.I32, 5000);
    Tensor out = t(DType.BF16, 5000, 48);
    CudaIndexing.indexSelect(ex, table, ids, out);
    Launch l = single();
    assertEquals("index_select_bf16", l.name());
    assertEquals(1000L, l.i64(3));
    assertEquals(0, l.i32(5));
    assertEquals(RecordingExec.ERROR_FLAG, (Long) l.arg(7));

    Tensor ids64 = t(DType.I64, 5000);
    CudaIndexing.indexAdd(ex, table, ids64, out);
    List<Launch> ls = launches();
    // 5000 ids -> 8192 keys: tiles sorted locally, then stages k = 4096 (j = 2048) and 8192 (j = 4096, 2048)
    assertEquals(List.of("index_add_keys", "bitonic_sort_local", "bitonic_merge_global", "bitonic_merge_local", "bitonic_merge_global",
        "bitonic_merge_global", "bitonic_merge_local", "index_add_apply_bf16"), names(ls));
    assertEquals(8192L, ls.get(0).i64(5));
    assertEquals(1, ls.get(0).i32(2));
    assertEquals(4, ls.get(1).grid().gridX());
    assertEquals(4096L, ls.get(2).i64(2));
    assertEquals(2048L, ls.get(2).i64(3));
    assertEquals(8192L, ls.get(4).i64(2));
    assertEquals(4096L, ls.get(4).i64(3));
    assertEquals(2048L, ls.get(5).i64(3));
    assertEquals(8192L, ls.get(6).i64(2));
    assertEquals(1, ls.get(7).grid().gridY());
    assertEquals(2048, CudaIndexing.sortSize(1));
    assertEquals(4096, CudaIndexing.sortSize(2049));
  }

  @Test
  void gatherAndScatterAlongADim() {
    Tensor x = t(DType.F32, 4, 50, 3);
    Tensor idx = t(DType.I64, 4, 7, 3);
    Tensor out = t(DType.F32, 4, 7, 3);
    CudaIndexing.gather(ex, x, 1, idx, out);
    Launch l = single();
    assertEquals("gather_f32", l.name());
    assertEquals(List.of(4L, 50L, 7L, 3L), List.of(l.i64(0), l.i64(1), l.i64(2), l.i64(3)));
    // an index narrower than x in a leading dim: the cut view is still contiguous, read in place
    Tensor idx2 = t(DType.I64, 2, 7, 3);
    Tensor out2 = t(DType.F32, 2, 7, 3);
    CudaIndexing.gather(ex, x, 1, idx2, out2);
    l = single();
    assertEquals(CudaStorage.addressOf(x), (Long) l.arg(4));
    assertEquals(2L, l.i64(0));
    // narrower in the inner dim: x is cut to the index's extent and copied contiguous first
    Tensor idx3 = t(DType.I32, 4, 7, 2);
    Tensor out3 = t(DType.F32, 4, 7, 2);
    CudaIndexing.gather(ex, x, 1, idx3, out3);
    List<Launch> ls = launches();
    assertEquals(List.of("copy_strided", "gather_f32"), names(ls));
    assertArrayEquals(new long[] {200, 2, 0, 0, 0, 0, 0, 0}, ls.get(0).dims(2));
    assertArrayEquals(new long[] {3, 1, 0, 0, 0, 0, 0, 0}, ls.get(0).dims(5));
    assertEquals(List.of(4L, 50L, 7L, 2L), List.of(ls.get(1).i64(0), ls.get(1).i64(1), ls.get(1).i64(2), ls.get(1).i64(3)));
    assertEquals(0, ls.get(1).i32(6));

    Tensor dst = t(DType.BF16, 4, 50, 3);
    Tensor src = t(DType.BF16, 4, 7, 3);
    CudaIndexing.scatterAdd(ex, dst, 1, idx, src);
    l = single();
    assertEquals("scatter_add_bf16", l.name());
    assertEquals(CudaStorage.addressOf(dst), (Long) l.arg(4));
    // src larger than the index: cut and copied; dst matches the index outside dim 2: updated in place
    CudaIndexing.scatterAdd(ex, dst, 2, t(DType.I32, 4, 50, 1), t(DType.BF16, 4, 50, 2));
    ls = launches();
    assertEquals(List.of("copy_strided", "scatter_add_bf16"), names(ls));
    assertEquals(CudaStorage.addressOf(dst), (Long) ls.get(1).arg(4));
    assertEquals(List.of(200L, 3L, 1L, 1L), List.of(ls.get(1).i64(0), ls.get(1).i64(1), ls.get(1).i64(2), ls.get(1).i64(3)));
    // dst wider than the index in the inner dim: the region is copied out, updated and copied back
    CudaIndexing.scatterAdd(ex, dst, 1, t(DType.I64, 4, 7, 2), t(DType.BF16, 4, 7, 2));
    ls = launches();
    assertEquals(List.of("copy_strided", "scatter_add_bf16", "copy_strided"), names(ls));
    assertEquals(CudaStorage.addressOf(dst), (Long) ls.get(2).arg(6));
    assertArrayEquals(new long[] {200, 2, 0, 0, 0, 0, 0, 0}, ls.get(2).dims(2));
  }

  @Test
  void dropoutMaskPassesSeedAndOffset() {
    Tensor m = t(DType.BF16, 3, 333);
    CudaIndexing.dropoutMask(ex, -123456789L, 1L << 40, 0.1, m);
    Launch l = single();
    assertEquals("dropout_mask_bf16", l.name());
    assertEquals(999L, l.i64(0));
    assertEquals(-123456789L, l.i64(1));
    assertEquals(1L << 40, l.i64(2));
    assertEquals(0.1, (Double) l.arg(3));
  }

  // ---- losses ----------------------------------------------------------------------------------

  @Test
  void crossEntropyAndSoftTargetLosses() {
    Tensor logits = t(DType.BF16, 6, 50257);
    Tensor targets = t(DType.I64, 6);
    Tensor loss = t(DType.F32, 6);
    Tensor grad = t(DType.BF16, 6, 50257);
    CudaLosses.crossEntropy(ex, logits, targets, -100, 0.1, loss, grad);
    Launch l = single();
    assertEquals("cross_entropy_bf16", l.name());
    assertEquals(-100L, l.i64(5));
    assertEquals(0.1, (Double) l.arg(6));
    assertEquals(DType.F32.ordinal(), l.i32(8));
    assertEquals(CudaStorage.addressOf(grad), (Long) l.arg(9));
    assertEquals(1.0, (Double) l.arg(10));
    assertEquals(0L, (Long) l.arg(11));
    assertEquals(512, l.grid().blockX());
    assertEquals(6, l.grid().gridX());
    CudaLosses.crossEntropy(ex, logits, targets, -100, 0.0, loss, null);
    assertEquals(0L, (Long) single().arg(9));

    Tensor s = t(DType.F32, 6, 100);
    Tensor te = t(DType.BF16, 6, 100);
    Tensor mask = t(DType.I64, 6);
    Tensor g = t(DType.F32, 6, 100);
    CudaLosses.softTargetLoss(ex, SoftTargetLoss.SOFT_CROSS_ENTROPY, s, te, 2.0, mask, loss, g);
    l = single();
    assertEquals("kd_loss_f32_bf16", l.name());
    assertEquals(1, l.i32(0));
    assertEquals(2.0, (Double) l.arg(5));
    assertEquals(DType.I64.ordinal(), l.i32(7));
    CudaLosses.softTargetLoss(ex, SoftTargetLoss.KL, te, s, 1.0, null, loss, null);
    l = single();
    assertEquals("kd_loss_bf16_f32", l.name());
    assertEquals(0, l.i32(0));
    assertEquals(0L, (Long) l.arg(6));
  }

  @Test
  void adamwWithAndWithoutMaster() {
    Tensor p = t(DType.BF16, 10, 10);
    Tensor g = t(DType.BF16, 10, 10);
    Tensor m = t(DType.F32, 10, 10);
    Tensor v = t(DType.F32, 10, 10);
    Tensor master = t(DType.F32, 10, 10);
    AdamWHyper h = new AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.01, 7, 0.5);
    CudaAdamW.step(ex, p, g, m, v, master, h);
    Launch l = single();
    assertEquals("adamw", l.name());
    assertEquals(DType.BF16.ordinal(), l.i32(2));
    assertEquals(DType.F32.ordinal(), l.i32(7));
    assertEquals(CudaStorage.addressOf(master), (Long) l.arg(8));
    assertEquals(List.of(1e-3, 0.9, 0.999, 1e-8, 0.01), List.of(l.arg(9), l.arg(10), l.arg(11), l.arg(12), l.arg(13)));
    assertEquals(7L, l.i64(14));
    assertEquals(0.5, (Double) l.arg(15));
    Tensor pf = t(DType.F32, 100);
    CudaAdamW.step(ex, pf, t(DType.F32, 100), t(DType.BF16, 100), t(DType.BF16, 100), null, h);
    assertEquals(0L, (Long) single().arg(8));
  }

  // ---- matmul ----------------------------------------------------------------------------------

  @Test
  void matmulLayoutsPickTheKernel() {
    Tensor a = t(DType.F32, 5, 7);
    Tensor at = t(DType.F32, 7, 5).mT();
    Tensor b = t(DType.F32, 7, 3);
    Tensor bt = t(DType.F32, 3, 7).mT();
    Tensor c = t(DType.F32, 5, 3);
    Object[][] cases = {{a, b, "gemm_tf32_nn"}, {a, bt, "gemm_tf32_nt"}, {at, b, "gemm_tf32_tn"}, {at, bt, "gemm_tf32_tt"}};
    for (Object[] k : cases) {
      CudaMatmul.matmul(ex, (Tensor) k[0], (Tensor) k[1], c, false);
      Launch l = single();
      assertEquals(k[2], l.name());
      assertEquals(List.of(5L, 3L, 7L), List.of(l.i64(3), l.i64(4), l.i64(5)));
      assertEquals(0.0, (Double) l.arg(21));
      assertEquals(1, l.grid().gridX());
    }
    // A transposed: element (m, k) at m + 5k -> sAm 1, sAk 5; B transposed: (k, n) at k + 7n -> sBk 1, sBn 7
    CudaMatmul.matmul(ex, at, bt, c, true);
    Launch l = single();
    assertEquals(List.of(1L, 5L, 1L, 7L, 3L, 1L), List.of(l.i64(6), l.i64(7), l.i64(8), l.i64(9), l.i64(10), l.i64(11)));
    assertEquals(1.0, (Double) l.arg(21));

    ex.f32Gemm = GemmPrecision.FP32;
    CudaMatmul.matmul(ex, at, b, c, false);
    l = single();
    assertEquals("gemm_simt_f32", l.name());
    assertEquals(List.of(1L, 5L, 3L, 1L), List.of(l.i64(6), l.i64(7), l.i64(8), l.i64(9)));

    Tensor ah = t(DType.BF16, 5, 7);
    Tensor bh = t(DType.BF16, 3, 7).mT();
    Tensor ch = t(DType.BF16, 5, 3);
    CudaMatmul.matmul(ex, ah, bh, ch, false);
    assertEquals("gemm_bf16_nt", single().name());
    // neither row-major nor transposed (a stride-2 column view): the SIMT kernel reads any strides
    Tensor odd = view(DType.BF16, 200, new int[] {5, 7}, new int[] {20, 2}, 0);
    CudaMatmul.matmul(ex, odd, bh, ch, false);
    l = single();
    assertEquals("gemm_simt_bf16", l.name());
    assertEquals(List.of(20L, 2L), List.of(l.i64(6), l.i64(7)));
  }

  @Test
  void matmulBatchesMergeBroadcastAndLoop() {
    // [2,3,5,7] @ [7,4] broadcast: the batch merges to one level of 6 with B's stride 0
    Tensor a = t(DType.F32, 2, 3, 5, 7);
    Tensor w = t(DType.F32, 7, 4);
    Tensor out = t(DType.F32, 2, 3, 5, 4);
    CudaMatmul.matmul(ex, a, w.expand(2, 3, 7, 4), out, false);
    Launch l = single();
    assertEquals(List.of(6L, 6L, 0L, 35L, 0L, 0L, 0L, 20L), List.of(l.i64(12), l.i64(13), l.i64(14), l.i64(15), l.i64(16), l.i64(17), l.i64(18), l.i64(19)));
    assertEquals(6, l.grid().gridZ());

    // attention-style [B, H, T, D] @ [B, H, D, T] from a permuted [B, T, H, D] buffer: two batch levels
    Tensor q = view(DType.BF16, 2 * 9 * 4 * 8, new int[] {2, 4, 9, 8}, new int[] {288, 8, 32, 1}, 0);
    Tensor k = view(DType.BF16, 2 * 9 * 4 * 8, new int[] {2, 4, 8, 9}, new int[] {288, 8, 1, 32}, 0);
    Tensor s = t(DType.BF16, 2, 4, 9, 9);
    CudaMatmul.matmul(ex, q, k, s, false);
    l = single();
    assertEquals("gemm_bf16_nt", l.name());
    assertEquals(List.of(32L, 1L, 1L, 32L), List.of(l.i64(6), l.i64(7), l.i64(8), l.i64(9)));
    assertEquals(List.of(4L, 8L, 288L, 8L, 288L, 8L, 324L, 81L), List.of(l.i64(12), l.i64(13), l.i64(14), l.i64(15), l.i64(16), l.i64(17), l.i64(18), l.i64(19)));

    // three batch levels that cannot merge: the outermost is looped on the host, addresses offset
    Tensor a3 = view(DType.F32, 400, new int[] {3, 2, 2, 4, 4}, new int[] {129, 64, 16, 4, 1}, 0);
    Tensor b3 = t(DType.F32, 3, 2, 2, 4, 4);
    Tensor c3 = t(DType.F32, 3, 2, 2, 4, 4);
    CudaMatmul.matmul(ex, a3, b3, c3, false);
    List<Launch> ls = launches();
    assertEquals(3, ls.size());
    long aBase = CudaStorage.addressOf(a3);
    for (int i = 0; i < 3; i++) {
      assertEquals(aBase + (long) i * 129 * 4, (Long) ls.get(i).arg(0));
      assertEquals(CudaStorage.addressOf(c3) + (long) i * 64 * 4, (Long) ls.get(i).arg(2));
      assertEquals(4L, ls.get(i).i64(13));
    }

    Tensor e = t(DType.F32, 5, 0);
    Tensor f = t(DType.F32, 0, 3);
    Tensor g = t(DType.F32, 5, 3);
    CudaMatmul.matmul(ex, e, f, g, false);
    assertEquals("fill", single().name());
  }
}
