package jdistill.engine.cuda;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;

/**
 * Fused scaled dot-product attention on CUDA (attention.cu): flash-attention forward and backward,
 * on tensor cores for BF16 with head dim 64 or 128, on the generic fp32 SIMT kernels otherwise
 * (F32 any D &lt;= 128, BF16 other D &lt;= 128). The backward runs {@code attn_bwd_preprocess}
 * (delta = rowsum(dO * O)), then the dQ and the dK/dV kernels; each output element is owned by
 * one block, so results are deterministic.
 *
 * <p>The kernels align the causal mask at the top left (key j visible to query i iff j &lt;= i);
 * the {@code Backend} contract aligns it at the end (hidden iff j &gt; i + Sk - Sq). With off =
 * Sk - Sq: off = 0 is the same mask; one query (Sq = 1, off &gt;= 0) sees every key, so it runs
 * without the causal mask; off &lt; 0 leaves the first -off queries with no key (output 0,
 * logsumexp -inf) and runs the other Sk queries as a square causal problem; off &gt; 0 splits the
 * keys into the prefix [0, off), which every query sees (run without the causal mask), and the
 * last Sq keys, a square causal problem; the two partial results are merged by their logsumexps.
 * In the backward both parts use the merged logsumexp and delta, so their probabilities are the
 * full softmax's: dK and dV of the two key ranges are written separately, dQ is their sum.
 */
final class CudaAttention {

  /** Threads per block of every attention kernel. */
  static final int THREADS = 128;
  /** Largest head dimension the kernels take. */
  static final int MAX_HEAD_DIM = 128;

  private CudaAttention() {}

  // ---- Backend entry points -----------------------------------------------------------------------

  static void forward(CudaExec exec, Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor lse) {
    checkOperands("attentionForward", q, k, v, out);
    if ((long) q.shape(0) * q.shape(1) * q.shape(2) == 0) return;
    int sq = q.shape(2);
    int sk = k.shape(2);
    int off = sk - sq;
    try (Temps temps = new Temps(exec)) {
      Tensor o = CudaPointwise.target(temps, out);
      Tensor l = f32Target(temps, lse);
      Tensor qi = rowMajor(exec, temps, q);
      Tensor ki = rowMajor(exec, temps, k);
      Tensor vi = rowMajor(exec, temps, v);
      if (!causal || off == 0 || sq == 1 && off > 0) {
        Tensor m = keyMask == null ? null : CudaPointwise.contiguous(exec, temps, keyMask);
        launchForward(exec, qi, ki, vi, m, causal && off == 0, scale, o, l);
      } else if (off < 0) {
        int empty = -off;
        CudaPointwise.fill(exec, time(o, 0, empty), 0);
        CudaPointwise.fill(exec, time(l, 0, empty), Double.NEGATIVE_INFINITY);
        Tensor lt = temps.tensor(DType.F32, q.shape(0), q.shape(1), sk);
        Tensor m = keyMask == null ? null : CudaPointwise.contiguous(exec, temps, keyMask);
        launchForward(exec, time(qi, empty, sk), ki, vi, m, true, scale, time(o, empty, sk), lt);
        CudaPointwise.copy(exec, lt, time(l, empty, sk));
      } else {
        forwardSplit(exec, temps, qi, ki, vi, keyMask, scale, off, o, l);
      }
      CudaPointwise.finish(exec, o, out);
      CudaPointwise.finish(exec, l, lse);
    }
  }

  static void backward(CudaExec exec, Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor lse,
      Tensor dOut, Tensor dq, Tensor dk, Tensor dv) {
    checkOperands("attentionBackward", q, k, v, out, dOut, dq, dk, dv);
    int b = q.shape(0);
    int h = q.shape(1);
    int sq = q.shape(2);
    int sk = k.shape(2);
    int off = sk - sq;
    if ((long) b * h == 0) return;
    try (Temps temps = new Temps(exec)) {
      Tensor qi = rowMajor(exec, temps, q);
      Tensor ki = rowMajor(exec, temps, k);
      Tensor vi = rowMajor(exec, temps, v);
      Tensor oi = rowMajor(exec, temps, out);
      Tensor gi = rowMajor(exec, temps, dOut);
      Tensor l = CudaPointwise.contiguous(exec, temps, lse, DType.F32);
      Tensor dqo = CudaPointwise.target(temps, dq);
      Tensor dko = CudaPointwise.target(temps, dk);
      Tensor dvo = CudaPointwise.target(temps, dv);
      if (!causal || off == 0 || sq == 1 && off > 0) {
        Tensor m = keyMask == null ? null : CudaPointwise.contiguous(exec, temps, keyMask);
        Tensor delta = temps.tensor(DType.F32, b, h, sq);
        launchPreprocess(exec, qi, ki, vi, oi, gi, delta);
        Attn a = new Attn(qi, ki, vi, oi, l, gi, dqo, dko, dvo, delta, m, scale, causal && off == 0);
        launchDq(exec, a);
        launchDkDv(exec, a);
      } else if (off < 0) {
        int empty = -off;
        CudaPointwise.fill(exec, time(dqo, 0, empty), 0);
        Tensor m = keyMask == null ? null : CudaPointwise.contiguous(exec, temps, keyMask);
        Tensor lt = temps.tensor(DType.F32, b, h, sk);
        CudaPointwise.copy(exec, time(l, empty, sk), lt);
        Tensor delta = temps.tensor(DType.F32, b, h, sk);
        Tensor qt = time(qi, empty, sk);
        Tensor ot = time(oi, empty, sk);
        Tensor gt = time(gi, empty, sk);
        launchPreprocess(exec, qt, ki, vi, ot, gt, delta);
        Attn a = new Attn(qt, ki, vi, ot, lt, gt, time(dqo, empty, sk), dko, dvo, delta, m, scale, true);
        launchDq(exec, a);
        launchDkDv(exec, a);
      } else {
        Tensor delta = temps.tensor(DType.F32, b, h, sq);
        launchPreprocess(exec, qi, ki, vi, oi, gi, delta);
        Tensor[] masks = splitMask(exec, temps, keyMask, off);
        // the prefix every query sees, then the last Sq keys under the square causal mask
        Attn prefix = new Attn(qi, time(ki, 0, off), time(vi, 0, off), oi, l, gi, dqo, time(dko, 0, off), time(dvo, 0, off), delta, masks[0], scale, false);
        Tensor dqTail = temps.tensor(dq.dtype(), dq.shape());
        Attn tail = new Attn(qi, time(ki, off, sq), time(vi, off, sq), oi, l, gi, dqTail, time(dko, off, sq), time(dvo, off, sq), delta, masks[1], scale, true);
        launchDq(exec, prefix);
        launchDq(exec, tail);
        CudaPointwise.binary(exec, BinaryOp.ADD, dqo, dqTail, dqo);
        launchDkDv(exec, prefix);
        launchDkDv(exec, tail);
      }
      CudaPointwise.finish(exec, dqo, dq);
      CudaPointwise.finish(exec, dko, dk);
      CudaPointwise.finish(exec, dvo, dv);
    }
  }

  /** The forward for Sq &lt; Sk under the end-aligned causal mask: two key ranges merged by logsumexp. */
  private static void forwardSplit(CudaExec exec, Temps temps, Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, int off, Tensor out,
      Tensor lse) {
    int b = q.shape(0);
    int h = q.shape(1);
    int sq = q.shape(2);
    Tensor[] masks = splitMask(exec, temps, keyMask, off);
    Tensor oA = temps.tensor(q.dtype(), q.shape());
    Tensor oB = temps.tensor(q.dtype(), q.shape());
    Tensor lA = temps.tensor(DType.F32, b, h, sq);
    Tensor lB = temps.tensor(DType.F32, b, h, sq);
    launchForward(exec, q, time(k, 0, off), time(v, 0, off), masks[0], false, scale, oA, lA);
    launchForward(exec, q, time(k, off, sq), time(v, off, sq), masks[1], true, scale, oB, lB);
    // m = max(lA, lB, -FLT_MAX) keeps exp(l - m) = 0 for parts that saw no key (l = -inf)
    Tensor m = temps.tensor(DType.F32, b, h, sq);
    CudaPointwise.binary(exec, BinaryOp.MAX, lA, lB, m);
    CudaPointwise.binaryScalar(exec, BinaryOp.MAX, m, -Float.MAX_VALUE, false, m);
    for (Tensor part : new Tensor[] {lA, lB}) {
      CudaPointwise.binary(exec, BinaryOp.SUB, part, m, part);
      CudaPointwise.unary(exec, UnaryOp.EXP, part, part); // now the part's weight before normalising
    }
    Tensor sum = temps.tensor(DType.F32, b, h, sq);
    CudaPointwise.binary(exec, BinaryOp.ADD, lA, lB, sum);
    // lse = m + log(sum): -inf where neither part saw a key (sum = 0)
    Tensor logSum = temps.tensor(DType.F32, b, h, sq);
    CudaPointwise.unary(exec, UnaryOp.LOG, sum, logSum);
    CudaPointwise.binary(exec, BinaryOp.ADD, m, logSum, lse);
    // weights w = e / max(sum, 1): sum >= 1 whenever a key was seen; 0 / 1 for empty rows
    CudaPointwise.binaryScalar(exec, BinaryOp.MAX, sum, 1.0, false, sum);
    CudaPointwise.binary(exec, BinaryOp.DIV, lA, sum, lA);
    CudaPointwise.binary(exec, BinaryOp.DIV, lB, sum, lB);
    // out = oA wA + oB wB, in F32 (one rounding to BF16 at the end)
    Tensor a32 = CudaPointwise.contiguous(exec, temps, oA, DType.F32);
    Tensor b32 = CudaPointwise.contiguous(exec, temps, oB, DType.F32);
    CudaPointwise.binary(exec, BinaryOp.MUL, a32, perRow(lA, q.shape(3)), a32);
    CudaPointwise.binary(exec, BinaryOp.MUL, b32, perRow(lB, q.shape(3)), b32);
    if (out.dtype() == DType.F32) {
      CudaPointwise.binary(exec, BinaryOp.ADD, a32, b32, out);
    } else {
      CudaPointwise.binary(exec, BinaryOp.ADD, a32, b32, a32);
      CudaPointwise.copy(exec, a32, out);
    }
  }

  // ---- launches -----------------------------------------------------------------------------------

  /**
   * One kernel call's operands (null where the kernel does not use one): q [B, H, Tq, D], k and v
   * [B, H, Tk, D], o, dout, dq like q, dk and dv like k (any batch/head/time strides, stride 1
   * along D), lse and delta contiguous F32 [B, H, Tq], mask contiguous [B, Tk].
   */
  record Attn(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dout, Tensor dq, Tensor dk, Tensor dv, Tensor delta, Tensor mask,
      double scale, boolean causal) {
    int b() {
      return q.shape(0);
    }

    int h() {
      return q.shape(1);
    }

    int tq() {
      return q.shape(2);
    }

    int tk() {
      return k.shape(2);
    }

    int d() {
      return q.shape(3);
    }

    /** The kernel name suffix: {@code bf16_d64} / {@code bf16_d128} on tensor cores, else {@code generic_f32} / {@code generic_bf16}. */
    String variant() {
      return tensorCores() ? "bf16_d" + d() : "generic_" + Kernels.suffix("attention", q.dtype());
    }

    boolean tensorCores() {
      return q.dtype() == DType.BF16 && (d() == 64 || d() == 128);
    }

    KernelArgs args() {
      long[] st = new long[KernelArgs.ATTN_STRIDES];
      Tensor[] order = {q, k, v, o, dq, dk, dv, dout};
      for (int t = 0; t < order.length; t++) {
        if (order[t] == null) continue;
        for (int i = 0; i < 3; i++) st[3 * t + i] = order[t].stride(i);
      }
      return new KernelArgs()
          .ptr(q).ptr(k).ptr(v).ptrOrNull(o).ptrOrNull(lse).ptrOrNull(dout).ptrOrNull(dq).ptrOrNull(dk).ptrOrNull(dv).ptrOrNull(delta)
          .ptrOrNull(mask).i32(Kernels.code(mask == null ? DType.F32 : mask.dtype()))
          .i64(b()).i64(h()).i64(tq()).i64(tk()).i64(d()).f64(scale).bool(causal).attnStrides(st);
    }

    /** Blocks along x over {@code rows} in tiles of {@code tile}; y = heads, z = batch. */
    Grid grid(long rows, int tile, int sharedBytes) {
      return new Grid(Grid.clampX(Grid.ceilDiv(rows, tile)), h(), b(), THREADS, 1, 1, sharedBytes);
    }
  }

  /** Dynamic shared memory of the generic kernels: Q/dO rows plus padded K/V tiles (+ lse/delta for dK/dV). */
  static int genericShared(int d, boolean dkdv) {
    return 4 * (16 * d + 64 * (d + 1) + (dkdv ? 64 : 0));
  }

  static void launchForward(CudaExec exec, Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor o, Tensor lse) {
    Attn a = new Attn(q, k, v, o, lse, null, null, null, null, null, mask, scale, causal);
    if (a.tq() == 0) return;
    Grid g = a.tensorCores() ? a.grid(a.tq(), 64, a.d() == 64 ? 24576 : 49152) : a.grid(a.tq(), 16, genericShared(a.d(), false));
    exec.launch("attn_fwd_" + a.variant(), g, a.args());
  }

  static void launchPreprocess(CudaExec exec, Tensor q, Tensor k, Tensor v, Tensor o, Tensor dout, Tensor delta) {
    Attn a = new Attn(q, k, v, o, null, dout, null, null, null, delta, null, 1.0, false);
    if (a.tq() == 0) return;
    exec.launch("attn_bwd_preprocess_" + Kernels.suffix("attention", q.dtype()), a.grid(a.tq(), 4, 0), a.args());
  }

  static void launchDq(CudaExec exec, Attn a) {
    if (a.tq() == 0) return;
    Grid g = a.tensorCores() ? a.grid(a.tq(), 64, a.d() == 64 ? 32768 : 49152) : a.grid(a.tq(), 8, genericShared(a.d(), false));
    exec.launch("attn_bwd_dq_" + a.variant(), g, a.args());
  }

  static void launchDkDv(CudaExec exec, Attn a) {
    if (a.tk() == 0) return;
    Grid g = a.tensorCores() ? a.grid(a.tk(), 64, a.d() == 64 ? 32768 : 49152) : a.grid(a.tk(), 8, genericShared(a.d(), true));
    exec.launch("attn_bwd_dkdv_" + a.variant(), g, a.args());
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private static void checkOperands(String op, Tensor q, Tensor k, Tensor... others) {
    String sfx = Kernels.suffix(op, q.dtype());
    if (q.rank() != 4 || k.rank() != 4) {
      throw new IllegalArgumentException(op + ": q and k must be [B, H, S, D], got " + Arrays.toString(q.shape()) + " and " + Arrays.toString(k.shape()));
    }
    int d = q.shape(3);
    if (d < 1 || d > MAX_HEAD_DIM) {
      throw new UnsupportedOperationException(op + " on CUDA takes head dims 1 to " + MAX_HEAD_DIM + ", got " + d + " (" + sfx
          + "); use the composed Attention.sdpa for larger heads");
    }
    if (q.shape(0) > Grid.MAX_GRID_YZ || q.shape(1) > Grid.MAX_GRID_YZ) {
      throw new UnsupportedOperationException(op + " on CUDA takes at most " + Grid.MAX_GRID_YZ + " batches and heads, got " + Arrays.toString(q.shape()));
    }
    for (Tensor t : others) {
      if (t.dtype() != q.dtype()) throw new IllegalArgumentException(op + ": every tensor must be " + q.dtype() + " like q, got " + t.dtype());
    }
    if (k.dtype() != q.dtype()) throw new IllegalArgumentException(op + ": k is " + k.dtype() + " but q is " + q.dtype());
  }

  /** {@code t} when its last dim has stride 1 (or size 1), else a contiguous copy. */
  private static Tensor rowMajor(CudaExec exec, Temps temps, Tensor t) {
    if (t.shape(3) <= 1 || t.stride(3) == 1) return t;
    return CudaPointwise.contiguous(exec, temps, t);
  }

  /** Where an F32 [B, H, Tq] result goes: {@code t} when contiguous F32, else scratch copied by finish. */
  private static Tensor f32Target(Temps temps, Tensor t) {
    return t.dtype() == DType.F32 && t.isContiguous() ? t : temps.tensor(DType.F32, t.shape());
  }

  /** Time steps [start, start + length) of a [B, H, T, ...] tensor (a view, no copy). */
  static Tensor time(Tensor t, int start, int length) {
    int[] shape = t.shape();
    if (start < 0 || length < 0 || start + length > shape[2]) {
      throw new IllegalArgumentException("time steps [" + start + ", " + (start + length) + ") outside " + Arrays.toString(shape));
    }
    shape[2] = length;
    return new Tensor(t.storage(), shape, t.strides(), t.offset() + (long) start * t.stride(2));
  }

  /** [B, H, Tq] viewed as [B, H, Tq, D] with stride 0 along D. */
  private static Tensor perRow(Tensor w, int d) {
    int[] st = w.strides();
    return new Tensor(w.storage(), new int[] {w.shape(0), w.shape(1), w.shape(2), d}, new int[] {st[0], st[1], st[2], 0}, w.offset());
  }

  /** The key mask [B, Sk] cut at {@code off} into contiguous [B, off] and [B, Sk - off] copies (nulls without a mask). */
  private static Tensor[] splitMask(CudaExec exec, Temps temps, Tensor mask, int off) {
    if (mask == null) return new Tensor[2];
    int b = mask.shape(0);
    int sk = mask.shape(1);
    int[] st = mask.strides();
    Tensor head = new Tensor(mask.storage(), new int[] {b, off}, st, mask.offset());
    Tensor tail = new Tensor(mask.storage(), new int[] {b, sk - off}, st, mask.offset() + (long) off * st[1]);
    return new Tensor[] {CudaPointwise.contiguous(exec, temps, head), CudaPointwise.contiguous(exec, temps, tail)};
  }
}
