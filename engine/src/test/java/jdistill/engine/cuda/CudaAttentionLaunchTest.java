package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.cuda.RecordingExec.Launch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA fused attention and squared norm without a GPU: every launch recorded and checked
 * against the kernels' parsed signatures (kernel exists, parameter kinds, the AttnStrides struct),
 * with the launch shapes and shared memory of ABI.md and the values that matter (sizes, causal
 * flag, strides, pointers into the key ranges of the end-aligned causal split); scratch released.
 */
class CudaAttentionLaunchTest {

  private static Map<String, List<KernelArgs.Kind>> sigs;
  private static String attentionSource;

  private RecordingExec ex;
  private int live;

  @BeforeAll
  static void readSources() throws IOException {
    Path dir = CudaSignatures.sourceDir();
    sigs = dir == null ? null : CudaSignatures.read(dir);
    attentionSource = dir == null ? null : CudaSignatures.preprocess(Files.readString(dir.resolve("attention.cu")));
  }

  @BeforeEach
  void setUp() {
    ex = new RecordingExec();
    live = 0;
  }

  @AfterEach
  void noScratchLeft() {
    assertEquals(live, ex.allocator.stats().inUseBlocks(), "scratch storages left in use");
  }

  private Tensor t(DType dtype, int... shape) {
    live++;
    return ex.tensor(dtype, shape);
  }

  /** The launches since the last call, each checked against its kernel's signature. */
  private List<Launch> launches() {
    List<Launch> ls = ex.take();
    for (Launch l : ls) {
      if (l.name().equals("memcpyDtoD")) continue;
      assertEquals(0, l.grid().threads() % 32, l.name());
      if (sigs == null) continue;
      List<KernelArgs.Kind> sig = sigs.get(l.name());
      assertNotNull(sig, "kernel " + l.name() + " is not defined in the .cu sources");
      List<KernelArgs.Kind> kinds = new ArrayList<>(l.args().kinds());
      // CudaSignatures has no kind for the AttnStrides struct (null); the struct itself is checked below
      kinds.replaceAll(k -> k == KernelArgs.Kind.ATTN_STRIDES ? null : k);
      assertEquals(sig, kinds, "parameters of " + l.name() + " (launched with " + l.args() + ")");
      if (l.name().startsWith("attn_")) {
        assertEquals(THREADS, l.grid().blockX(), l.name());
        assertEquals(KernelArgs.Kind.ATTN_STRIDES, l.args().kinds().get(19), l.name());
      }
    }
    return ls;
  }

  private static final int THREADS = 128;

  private static List<String> names(List<Launch> ls) {
    return ls.stream().map(Launch::name).toList();
  }

  private static List<Launch> named(List<Launch> ls, String prefix) {
    return ls.stream().filter(l -> l.name().startsWith(prefix)).toList();
  }

  @Test
  void attnStridesIsTheStructOfTheSources() {
    assumeTrue(attentionSource != null, "kernel sources not found");
    Matcher m = Pattern.compile("struct AttnStrides \\{([^}]*)\\}").matcher(attentionSource);
    assertTrue(m.find(), "struct AttnStrides in attention.cu");
    List<String> fields = new ArrayList<>();
    int count = 0;
    Matcher f = Pattern.compile("(\\w+)\\[(\\d+)\\]").matcher(m.group(1));
    while (f.find()) {
      fields.add(f.group(1));
      count += Integer.parseInt(f.group(2));
      assertEquals("3", f.group(2), "each tensor has (batch, head, time) strides");
    }
    assertTrue(m.group(1).trim().startsWith("i64 "), "int64 fields: " + m.group(1));
    assertEquals(List.of("q", "k", "v", "o", "dq", "dk", "dv", "dout"), fields);
    assertEquals(KernelArgs.ATTN_STRIDES, count);
    // every attention kernel takes it by value as its last parameter
    Matcher k = Pattern.compile("__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(attn_\\w+)\\s*\\(([^)]*)\\)").matcher(attentionSource);
    int kernels = 0;
    while (k.find()) {
      String[] params = k.group(2).split(",");
      assertTrue(params[params.length - 1].trim().startsWith("AttnStrides "), k.group(1) + ": " + params[params.length - 1]);
      assertEquals(20, params.length, k.group(1));
      kernels++;
    }
    assertEquals(14, kernels, "attention kernels in attention.cu");
    assertEquals(192, new KernelArgs().attnStrides(new long[24]).abiBytes());
    assertThrows(IllegalArgumentException.class, () -> new KernelArgs().attnStrides(new long[8]));
  }

  @Test
  void forwardPicksTheKernelAndLaunchShape() {
    record Want(DType dtype, int d, String kernel, int tile, int smem) {}
    List<Want> wants = List.of(
        new Want(DType.F32, 64, "attn_fwd_generic_f32", 16, 4 * (16 * 64 + 64 * 65)),
        new Want(DType.F32, 128, "attn_fwd_generic_f32", 16, 4 * (16 * 128 + 64 * 129)),
        new Want(DType.BF16, 64, "attn_fwd_bf16_d64", 64, 24576),
        new Want(DType.BF16, 128, "attn_fwd_bf16_d128", 64, 49152),
        new Want(DType.BF16, 40, "attn_fwd_generic_bf16", 16, 4 * (16 * 40 + 64 * 41)),
        new Want(DType.F32, 1, "attn_fwd_generic_f32", 16, 4 * (16 + 64 * 2)));
    for (Want w : wants) {
      Tensor q = t(w.dtype, 2, 3, 100, w.d);
      Tensor k = t(w.dtype, 2, 3, 100, w.d);
      Tensor v = t(w.dtype, 2, 3, 100, w.d);
      Tensor o = t(w.dtype, 2, 3, 100, w.d);
      Tensor lse = t(DType.F32, 2, 3, 100);
      Tensor mask = t(DType.F32, 2, 100);
      CudaAttention.forward(ex, q, k, v, mask, true, 0.125, o, lse);
      List<Launch> ls = launches();
      assertEquals(1, ls.size(), names(ls).toString());
      Launch l = ls.get(0);
      assertEquals(w.kernel, l.name());
      assertEquals(new Grid((100 + w.tile - 1) / w.tile, 3, 2, THREADS, 1, 1, w.smem), l.grid());
      assertEquals(CudaStorage.addressOf(q), (Long) l.arg(0));
      assertEquals(CudaStorage.addressOf(o), (Long) l.arg(3));
      assertEquals(CudaStorage.addressOf(lse), (Long) l.arg(4));
      for (int i = 5; i <= 9; i++) assertEquals(0L, (Long) l.arg(i), "unused pointer " + i);
      assertEquals(CudaStorage.addressOf(mask), (Long) l.arg(10));
      assertEquals(DType.F32.ordinal(), l.i32(11));
      assertArrayEquals(new long[] {2, 3, 100, 100, w.d}, new long[] {l.i64(12), l.i64(13), l.i64(14), l.i64(15), l.i64(16)});
      assertEquals(0.125, (Double) l.arg(17));
      assertEquals(1, l.i32(18), "Sq == Sk: the kernel's causal mask is the contract's");
      long[] st = (long[]) l.arg(19);
      long s = 100L * w.d;
      assertArrayEquals(new long[] {3 * s, s, w.d, 3 * s, s, w.d, 3 * s, s, w.d, 3 * s, s, w.d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, st);
    }
  }

  @Test
  void stridedHeadsAreNotCopied() {
    // q from a [B, S, H, D] projection viewed as [B, H, S, D]: stride 1 along D, so passed as is
    Tensor qkv = t(DType.BF16, 2, 7, 4, 64);
    Tensor q = qkv.permute(0, 2, 1, 3);
    Tensor o = t(DType.BF16, 2, 4, 7, 64);
    Tensor lse = t(DType.F32, 2, 4, 7);
    CudaAttention.forward(ex, q, q, q, null, false, 1.0, o, lse);
    Launch l = launches().get(0);
    assertEquals("attn_fwd_bf16_d64", l.name());
    long[] st = (long[]) l.arg(19);
    assertArrayEquals(new long[] {7 * 4 * 64, 64, 4 * 64}, java.util.Arrays.copyOfRange(st, 0, 3));
    assertEquals(0L, (Long) l.arg(10), "no mask: null");
    assertEquals(0, l.i32(18));
  }

  @Test
  void oneQueryOverACachedPrefixRunsWithoutTheCausalMask() {
    Tensor q = t(DType.F32, 1, 2, 1, 64);
    Tensor k = t(DType.F32, 1, 2, 9, 64);
    Tensor o = t(DType.F32, 1, 2, 1, 64);
    Tensor lse = t(DType.F32, 1, 2, 1);
    CudaAttention.forward(ex, q, k, k, null, true, 1.0, o, lse);
    Launch l = launches().get(0);
    assertEquals(0, l.i32(18));
    assertEquals(9L, l.i64(15));
  }

  @Test
  void fewerQueriesThanKeysSplitTheKeysAndMerge() {
    int sq = 3;
    int sk = 8;
    int d = 64;
    Tensor q = t(DType.BF16, 2, 2, sq, d);
    Tensor k = t(DType.BF16, 2, 2, sk, d);
    Tensor v = t(DType.BF16, 2, 2, sk, d);
    Tensor o = t(DType.BF16, 2, 2, sq, d);
    Tensor lse = t(DType.F32, 2, 2, sq);
    Tensor mask = t(DType.I64, 2, sk);
    CudaAttention.forward(ex, q, k, v, mask, true, 0.5, o, lse);
    List<Launch> ls = launches();
    List<Launch> fwd = named(ls, "attn_fwd_");
    assertEquals(2, fwd.size(), names(ls).toString());
    Launch prefix = fwd.get(0);
    Launch tail = fwd.get(1);
    assertEquals(0, prefix.i32(18));
    assertEquals(5L, prefix.i64(15));
    assertEquals(CudaStorage.addressOf(k), (Long) prefix.arg(1));
    assertEquals(1, tail.i32(18));
    assertEquals(3L, tail.i64(15));
    assertEquals(CudaStorage.addressOf(k) + 5L * d * 2, (Long) tail.arg(1), "tail keys start at key Sk - Sq");
    assertEquals(CudaStorage.addressOf(v) + 5L * d * 2, (Long) tail.arg(2));
    // each part gets its own contiguous [B, keys] mask, keeping the mask's dtype
    assertNotEquals(prefix.arg(10), tail.arg(10));
    assertEquals(DType.I64.ordinal(), prefix.i32(11));
    assertEquals(2, named(ls, "copy_strided").stream().filter(c -> c.i32(4) == DType.I64.ordinal() && c.i32(7) == DType.I64.ordinal()).count());
    // the partial outputs are temporaries; the merge writes o and lse
    assertNotEquals(CudaStorage.addressOf(o), (Long) prefix.arg(3));
    assertTrue(ls.stream().anyMatch(x -> x.name().startsWith("binary") && x.args().args().get(x.args().args().size() - 1).value().equals(CudaStorage.addressOf(lse))));

    Tensor dOut = t(DType.BF16, 2, 2, sq, d);
    Tensor dq = t(DType.BF16, 2, 2, sq, d);
    Tensor dk = t(DType.BF16, 2, 2, sk, d);
    Tensor dv = t(DType.BF16, 2, 2, sk, d);
    CudaAttention.backward(ex, q, k, v, mask, true, 0.5, o, lse, dOut, dq, dk, dv);
    ls = launches();
    assertEquals(List.of("attn_bwd_preprocess_bf16"), names(named(ls, "attn_bwd_preprocess")));
    List<Launch> dkdv = named(ls, "attn_bwd_dkdv_");
    assertEquals(2, named(ls, "attn_bwd_dq_").size());
    assertEquals(2, dkdv.size());
    assertEquals(CudaStorage.addressOf(dk), (Long) dkdv.get(0).arg(7));
    assertEquals(CudaStorage.addressOf(dk) + 5L * d * 2, (Long) dkdv.get(1).arg(7));
    assertEquals(CudaStorage.addressOf(dv) + 5L * d * 2, (Long) dkdv.get(1).arg(8));
    assertEquals(new Grid(1, 2, 2, THREADS, 1, 1, 32768), dkdv.get(0).grid());
    assertEquals(List.of(0, 1), dkdv.stream().map(x -> x.i32(18)).toList());
    // both parts read the merged lse and one delta
    assertEquals(CudaStorage.addressOf(lse), (Long) dkdv.get(0).arg(4));
    assertEquals(dkdv.get(0).arg(9), dkdv.get(1).arg(9));
    assertEquals(1, ls.stream().filter(x -> x.name().equals("binary_bf16") && x.i32(0) == jdistill.engine.backend.BinaryOp.ADD.ordinal()).count(),
        "dQ = dQ(prefix) + dQ(tail)");
  }

  @Test
  void moreQueriesThanKeysRunTheLastQueries() {
    int sq = 7;
    int sk = 4;
    Tensor q = t(DType.F32, 1, 2, sq, 16);
    Tensor k = t(DType.F32, 1, 2, sk, 16);
    Tensor o = t(DType.F32, 1, 2, sq, 16);
    Tensor lse = t(DType.F32, 1, 2, sq);
    CudaAttention.forward(ex, q, k, k, null, true, 1.0, o, lse);
    List<Launch> ls = launches();
    Launch f = named(ls, "attn_fwd_").get(0);
    assertEquals(1, f.i32(18));
    assertEquals(4L, f.i64(14));
    assertEquals(CudaStorage.addressOf(q) + 3L * 16 * 4, (Long) f.arg(0));
    assertEquals(CudaStorage.addressOf(o) + 3L * 16 * 4, (Long) f.arg(3));
    assertArrayEquals(new long[] {2 * sq * 16, sq * 16, 16}, java.util.Arrays.copyOfRange((long[]) f.arg(19), 9, 12), "o keeps its strides");
    assertTrue(names(ls).contains("fill"), "the first Sq - Sk rows are filled");
  }

  @Test
  void backwardLaunchesPreprocessDqAndDkDv() {
    for (int d : new int[] {64, 128, 33}) {
      DType dt = d == 33 ? DType.F32 : DType.BF16;
      Tensor q = t(dt, 2, 3, 70, d);
      Tensor k = t(dt, 2, 3, 70, d);
      Tensor o = t(dt, 2, 3, 70, d);
      Tensor g = t(dt, 2, 3, 70, d);
      Tensor dq = t(dt, 2, 3, 70, d);
      Tensor dk = t(dt, 2, 3, 70, d);
      Tensor dv = t(dt, 2, 3, 70, d);
      Tensor lse = t(DType.F32, 2, 3, 70);
      CudaAttention.backward(ex, q, k, k, null, true, 0.3, o, lse, g, dq, dk, dv);
      List<Launch> ls = launches();
      String sfx = dt == DType.F32 ? "f32" : "bf16";
      String variant = d == 33 ? "generic_f32" : "bf16_d" + d;
      assertEquals(List.of("attn_bwd_preprocess_" + sfx, "attn_bwd_dq_" + variant, "attn_bwd_dkdv_" + variant), names(ls));
      assertEquals(new Grid(18, 3, 2, THREADS, 1, 1, 0), ls.get(0).grid());
      int dqSmem = d == 33 ? 4 * (16 * d + 64 * (d + 1)) : d == 64 ? 32768 : 49152;
      int dkdvSmem = d == 33 ? 4 * (16 * d + 64 * (d + 1) + 64) : dqSmem;
      int tile = d == 33 ? 8 : 64;
      assertEquals(new Grid((70 + tile - 1) / tile, 3, 2, THREADS, 1, 1, dqSmem), ls.get(1).grid());
      assertEquals(new Grid((70 + tile - 1) / tile, 3, 2, THREADS, 1, 1, dkdvSmem), ls.get(2).grid());
      Launch dql = ls.get(1);
      assertEquals(CudaStorage.addressOf(g), (Long) dql.arg(5));
      assertEquals(CudaStorage.addressOf(dq), (Long) dql.arg(6));
      assertEquals(CudaStorage.addressOf(dk), (Long) dql.arg(7));
      assertEquals(ls.get(0).arg(9), dql.arg(9), "delta from the preprocess");
      long[] st = (long[]) dql.arg(19);
      long s = 70L * d;
      for (int tensor = 0; tensor < 8; tensor++) {
        assertArrayEquals(new long[] {3 * s, s, d}, java.util.Arrays.copyOfRange(st, 3 * tensor, 3 * tensor + 3), "strides of tensor " + tensor);
      }
    }
  }

  @Test
  void unsupportedHeadDimsAndDtypesAreRefused() {
    Tensor q = t(DType.F32, 1, 1, 4, 129);
    Tensor o = t(DType.F32, 1, 1, 4, 129);
    Tensor lse = t(DType.F32, 1, 1, 4);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> CudaAttention.forward(ex, q, q, q, null, false, 1, o, lse));
    assertTrue(e.getMessage().contains("head dims 1 to 128, got 129"), e.getMessage());
    Tensor h = t(DType.F16, 1, 1, 4, 8);
    e = assertThrows(UnsupportedOperationException.class, () -> CudaAttention.forward(ex, h, h, h, null, false, 1, h, lse));
    assertTrue(e.getMessage().contains("computes F32 and BF16 tensors, not F16"), e.getMessage());
  }

  @Test
  void sumOfSquaresLaunches() {
    Tensor out = t(DType.F32, 1);
    Tensor x = t(DType.F32, 5000);
    CudaNorm.sumOfSquares(ex, x, out, false);
    List<Launch> ls = launches();
    assertEquals(List.of("sumsq_partial_f32", "sumsq_finish"), names(ls));
    assertEquals(Grid.of(3, 256), ls.get(0).grid());
    assertEquals(5000L, ls.get(0).i64(0));
    assertEquals(Grid.of(1, 256), ls.get(1).grid());
    assertEquals(3L, ls.get(1).i64(0));
    assertEquals(ls.get(0).arg(2), ls.get(1).arg(1), "finish reads the partials");
    assertEquals(CudaStorage.addressOf(out), (Long) ls.get(1).arg(2));
    assertEquals(0, ls.get(1).i32(3));

    CudaNorm.sumOfSquares(ex, t(DType.BF16, 1 << 22), out, true);
    ls = launches();
    assertEquals(List.of("sumsq_partial_bf16", "sumsq_finish"), names(ls));
    assertEquals(Grid.of(1024, 256), ls.get(0).grid());
    assertEquals(1, ls.get(1).i32(3));

    CudaNorm.sumOfSquares(ex, t(DType.F16, 10), out, false);
    assertEquals(List.of("copy_strided", "sumsq_partial_f32", "sumsq_finish"), names(launches()));
    CudaNorm.sumOfSquares(ex, t(DType.F32, 6, 5).mT(), out, false);
    assertEquals(List.of("copy_strided", "sumsq_partial_f32", "sumsq_finish"), names(launches()));
    CudaNorm.sumOfSquares(ex, t(DType.F32, 0), out, false);
    assertEquals(List.of("fill"), names(launches()));
    assertThrows(IllegalArgumentException.class, () -> CudaNorm.sumOfSquares(ex, t(DType.I64, 3), out, false));
  }

  // ---- the launches computed by models of the kernels --------------------------------------------

  /** Every causal alignment and mask, CUDA recipe on the emulated device against the CPU backend. */
  @Test
  void emulatedKernelsMatchTheCpuForEveryAlignment() {
    int[][] sizes = {{5, 5}, {1, 6}, {3, 8}, {7, 4}, {4, 1}, {6, 6}};
    Rng rng = new Rng(11);
    for (DType dt : new DType[] {DType.F32, DType.BF16}) {
      for (int[] s : sizes) {
        for (boolean causal : new boolean[] {false, true}) {
          for (boolean masked : new boolean[] {false, true}) {
            checkEmulated(rng, dt, 2, 2, s[0], s[1], dt == DType.BF16 ? 64 : 5, causal, masked);
          }
        }
      }
    }
  }

  private static void checkEmulated(Rng rng, DType dt, int b, int h, int sq, int sk, int d, boolean causal, boolean masked) {
    String what = dt + " Sq" + sq + " Sk" + sk + " D" + d + (causal ? " causal" : "") + (masked ? " masked" : "");
    EmulatedExec em = new EmulatedExec();
    Tensor q = Tensor.uniform(rng, -1, 1, b, h, sq, d).to(dt).to(DType.F32);
    Tensor k = Tensor.uniform(rng, -1, 1, b, h, sk, d).to(dt).to(DType.F32);
    Tensor v = Tensor.uniform(rng, -1, 1, b, h, sk, d).to(dt).to(DType.F32);
    Tensor g = Tensor.uniform(rng, -1, 1, b, h, sq, d).to(dt).to(DType.F32);
    double[] m = new double[b * sk];
    for (int i = 0; i < m.length; i++) m[i] = i % sk == sk - 1 || rng.nextDouble() < 0.6 ? 1 : 0;
    m[0] = 0; // a masked first key: the prefix part of the split sees nothing for some rows
    Tensor mask = masked ? Tensor.of(m, b, sk) : null;
    double scale = 0.7;
    var cpu = jdistill.engine.cpu.CpuBackend.INSTANCE;
    Tensor out = Tensor.zeros(b, h, sq, d);
    Tensor lse = Tensor.zeros(b, h, sq);
    cpu.attentionForward(q, k, v, mask, causal, scale, out, lse);

    Tensor eq = em.upload(q.to(dt));
    Tensor ek = em.upload(k.to(dt));
    Tensor ev = em.upload(v.to(dt));
    Tensor eMask = masked ? em.upload(mask) : null;
    Tensor eo = em.empty(dt, b, h, sq, d);
    Tensor el = em.empty(DType.F32, b, h, sq);
    CudaAttention.forward(em, eq, ek, ev, eMask, causal, scale, eo, el);
    // BF16: outputs rounded to 8 bits of mantissa; in the split recipe dQ is the sum of two rounded
    // partial dQs that may cancel (a wrong pointer or mask would be off by O(1), not by this)
    double tol = dt == DType.BF16 ? 2e-2 : 1e-5;
    close(what + " output", out.toDoubleArray(), em.download(eo), tol);
    close(what + " logsumexp", lse.toDoubleArray(), em.download(el), tol);
    // the CPU backward from the device's forward results (its O is rounded to dt), as training does
    Tensor dq = Tensor.zeros(b, h, sq, d);
    Tensor dk = Tensor.zeros(b, h, sk, d);
    Tensor dv = Tensor.zeros(b, h, sk, d);
    Tensor devOut = Tensor.of(em.download(eo), b, h, sq, d).to(DType.F32);
    Tensor devLse = Tensor.of(em.download(el), b, h, sq).to(DType.F32);
    cpu.attentionBackward(q, k, v, mask, causal, scale, devOut, devLse, g, dq, dk, dv);
    Tensor eg = em.upload(g.to(dt));
    Tensor edq = em.empty(dt, b, h, sq, d);
    Tensor edk = em.empty(dt, b, h, sk, d);
    Tensor edv = em.empty(dt, b, h, sk, d);
    CudaAttention.backward(em, eq, ek, ev, eMask, causal, scale, eo, el, eg, edq, edk, edv);
    close(what + " dq", dq.toDoubleArray(), em.download(edq), tol);
    close(what + " dk", dk.toDoubleArray(), em.download(edk), tol);
    close(what + " dv", dv.toDoubleArray(), em.download(edv), tol);
    for (Tensor t : new Tensor[] {eq, ek, ev, eMask, eo, el, eg, edq, edk, edv}) {
      if (t != null) t.storage().release();
    }
    assertEquals(0, em.allocator.stats().inUseBlocks(), what + ": scratch left in use");
  }

  /**
   * |actual - expected| <= tol (|expected| + 0.1) element-wise (infinities equal): values here are
   * O(0.1 .. 1), and a gradient that is 0 analytically (one key: softmax is constant) comes out as
   * rounding noise of either side.
   */
  private static void close(String what, double[] e, double[] a, double tol) {
    assertEquals(e.length, a.length, what);
    for (int i = 0; i < e.length; i++) {
      boolean ok = Double.isInfinite(e[i]) ? e[i] == a[i] : Math.abs(a[i] - e[i]) <= tol * (Math.abs(e[i]) + 0.1);
      if (!ok) throw new AssertionError(what + ": element " + i + " of " + e.length + ": expected " + e[i] + ", got " + a[i]);
    }
  }

  @Test
  void emulatedSumOfSquares() {
    EmulatedExec em = new EmulatedExec();
    Tensor x = Tensor.uniform(new Rng(12), -2, 2, 10_001);
    Tensor out = em.empty(DType.F32, 1);
    for (DType dt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
      Tensor xd = x.to(dt);
      double expected = 0;
      for (double e : xd.toDoubleArray()) expected += e * e;
      Tensor dev = em.upload(xd);
      CudaNorm.sumOfSquares(em, dev, out, false);
      assertEquals(expected, em.download(out)[0], expected * 1e-6, dt.toString());
      CudaNorm.sumOfSquares(em, dev, out, true);
      assertEquals(2 * expected, em.download(out)[0], expected * 2e-6, dt + " accumulated");
      dev.storage().release();
    }
  }
}
