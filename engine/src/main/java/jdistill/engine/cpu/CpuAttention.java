package jdistill.engine.cpu;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused scaled dot-product attention on the CPU, forward and backward, without a [Sq, Sk] score
 * tensor: see {@link jdistill.engine.backend.Backend#attentionForward} for the contract.
 *
 * <p>F32 runs in tiles of four query rows against a transposed copy of the head's K (so the four
 * score rows share every load and no lane sum is needed), a two-pass softmax per row (max, then
 * exp and sum) and P V summed over keys in registers; the backward recomputes P from the saved
 * logsumexp and accumulates dK and dV per head, so its tasks are the (batch, head) pairs. F64 is
 * a plain scalar version of the same arithmetic ({@link CpuAttentionF64}, the reference for
 * gradient checks); BF16 and F16 are widened to F32. Every sum has a fixed order: results are the same bits on every run.
 */
final class CpuAttention {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Query rows computed together. */
  static final int TILE = 4;
  /** Query rows per forward task (a multiple of TILE). */
  static final int ROWS_PER_TASK = 64;

  private CpuAttention() {}

  /** The problem's sizes; {@code visible(i)} is the number of keys query i may see (before the key mask). */
  record Dims(int batch, int heads, int sq, int sk, int d, boolean causal) {
    static Dims of(Tensor q, Tensor k, boolean causal) {
      return new Dims(q.shape(0), q.shape(1), q.shape(2), k.shape(2), q.shape(3), causal);
    }

    /** Keys 0 .. visible(i)-1 are not hidden by the causal mask (key j is hidden when j > i + sk - sq). */
    int visible(int i) {
      if (!causal) return sk;
      long n = (long) i + sk - sq + 1;
      return (int) Math.max(0, Math.min(sk, n));
    }
  }

  // ---- entry points -----------------------------------------------------------------------------

  static void forward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor lse) {
    requireContiguous("attentionForward", q, k, v, out, lse);
    Dims g = Dims.of(q, k, causal);
    boolean[] keep = keep(keyMask, g);
    switch (q.dtype()) {
      case F32 -> forwardF32(g, q, k, v, keep, (float) scale, out, lse);
      case F64 -> CpuAttentionF64.forward(g, q, k, v, keep, scale, out, lse);
      case BF16, F16 -> {
        Tensor o32 = f32(out.shape());
        forwardF32(g, widen(q), widen(k), widen(v), keep, (float) scale, o32, lse);
        CpuBackend.INSTANCE.copy(o32, out);
      }
      default -> throw new IllegalArgumentException("attention needs floating q, k, v; got " + q.dtype());
    }
  }

  static void backward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor lse, Tensor dOut,
      Tensor dq, Tensor dk, Tensor dv) {
    requireContiguous("attentionBackward", q, k, v, out, lse, dOut, dq, dk, dv);
    Dims g = Dims.of(q, k, causal);
    boolean[] keep = keep(keyMask, g);
    switch (q.dtype()) {
      case F32 -> backwardF32(g, q, k, v, keep, (float) scale, out, lse, dOut, dq, dk, dv);
      case F64 -> CpuAttentionF64.backward(g, q, k, v, keep, scale, out, lse, dOut, dq, dk, dv);
      case BF16, F16 -> {
        Tensor dq32 = f32(dq.shape());
        Tensor dk32 = f32(dk.shape());
        Tensor dv32 = f32(dv.shape());
        backwardF32(g, widen(q), widen(k), widen(v), keep, (float) scale, widen(out), lse, widen(dOut), dq32, dk32, dv32);
        CpuBackend.INSTANCE.copy(dq32, dq);
        CpuBackend.INSTANCE.copy(dk32, dk);
        CpuBackend.INSTANCE.copy(dv32, dv);
      }
      default -> throw new IllegalArgumentException("attention needs floating q, k, v; got " + q.dtype());
    }
  }

  // ---- F32 --------------------------------------------------------------------------------------

  private static void forwardF32(Dims g, Tensor q, Tensor k, Tensor v, boolean[] keep, float scale, Tensor out, Tensor lse) {
    float[] qa = floats(q);
    float[] ka = floats(k);
    float[] va = floats(v);
    float[] oa = floats(out);
    int qo = off(q);
    int ko = off(k);
    int vo = off(v);
    int oo = off(out);
    int lo = off(lse);
    Access.Writer lw = Access.writer(lse);
    int d = g.d;
    int rowTasks = Math.max(1, (g.sq + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
    int tasks = g.sq == 0 ? 0 : g.batch * g.heads * rowTasks;
    Parallel.forRange(tasks, 1, (from, to) -> {
      float[] kt = new float[d * g.sk];
      float[] qt = new float[TILE * d];
      float[] ot = new float[TILE * d];
      float[][] s = new float[TILE][g.sk];
      int ktFor = -1;
      for (int task = from; task < to; task++) {
        int bh = task / rowTasks;
        int b = bh / g.heads;
        if (bh != ktFor) {
          transpose(ka, ko + bh * g.sk * d, g.sk, d, kt);
          ktFor = bh;
        }
        int end = Math.min(g.sq, (task % rowTasks + 1) * ROWS_PER_TASK);
        for (int i0 = (task % rowTasks) * ROWS_PER_TASK; i0 < end; i0 += TILE) {
          int rows = Math.min(TILE, end - i0);
          int nmax = g.visible(i0 + rows - 1);
          int qb = qo + (bh * g.sq + i0) * d;
          Arrays.fill(qt, 0f);
          System.arraycopy(qa, qb, qt, 0, rows * d);
          scores4(qt, d, kt, g.sk, nmax, s);
          for (int r = 0; r < TILE; r++) {
            int i = i0 + r;
            float m = r < rows ? scaleMaskMax(s[r], g.visible(i), nmax, scale, keep, b * g.sk) : Float.NEGATIVE_INFINITY;
            int li = lo + bh * g.sq + i;
            if (m == Float.NEGATIVE_INFINITY) {
              Arrays.fill(s[r], 0, nmax, 0f);
              if (r < rows) lw.set(li, Double.NEGATIVE_INFINITY);
              continue;
            }
            float sum = expShifted(s[r], nmax, m);
            lw.set(li, m + (float) Math.log(sum));
            // fold 1/sum into the probabilities so the output is a plain sum over keys
            float inv = 1f / sum;
            for (int j = 0; j < nmax; j++) s[r][j] *= inv;
          }
          mix4(s, nmax, va, vo + bh * g.sk * d, d, ot);
          System.arraycopy(ot, 0, oa, oo + (bh * g.sq + i0) * d, rows * d);
        }
      }
    });
  }

  private static void backwardF32(Dims g, Tensor q, Tensor k, Tensor v, boolean[] keep, float scale, Tensor out, Tensor lse, Tensor dOut,
      Tensor dq, Tensor dk, Tensor dv) {
    float[] qa = floats(q);
    float[] ka = floats(k);
    float[] va = floats(v);
    float[] oa = floats(out);
    float[] ga = floats(dOut);
    float[] dqa = floats(dq);
    float[] dka = floats(dk);
    float[] dva = floats(dv);
    int qo = off(q);
    int ko = off(k);
    int vo = off(v);
    int oo = off(out);
    int go = off(dOut);
    int dqo = off(dq);
    int dko = off(dk);
    int dvo = off(dv);
    int lo = off(lse);
    Access.Reader lr = Access.reader(lse);
    int d = g.d;
    Parallel.forRange(g.batch * g.heads, 1, (from, to) -> {
      float[] kt = new float[d * g.sk];
      float[] vt = new float[d * g.sk];
      float[] qt = new float[TILE * d];
      float[] gt = new float[TILE * d];
      float[] dqt = new float[TILE * d];
      float[][] p = new float[TILE][g.sk];
      float[][] ds = new float[TILE][g.sk];
      for (int bh = from; bh < to; bh++) {
        int b = bh / g.heads;
        int kb = ko + bh * g.sk * d;
        int vb = vo + bh * g.sk * d;
        int dkb = dko + bh * g.sk * d;
        int dvb = dvo + bh * g.sk * d;
        transpose(ka, kb, g.sk, d, kt);
        transpose(va, vb, g.sk, d, vt);
        Arrays.fill(dka, dkb, dkb + g.sk * d, 0f);
        Arrays.fill(dva, dvb, dvb + g.sk * d, 0f);
        for (int i0 = 0; i0 < g.sq; i0 += TILE) {
          int rows = Math.min(TILE, g.sq - i0);
          int nmax = g.visible(i0 + rows - 1);
          int rowBase = (bh * g.sq + i0) * d;
          Arrays.fill(qt, 0f);
          Arrays.fill(gt, 0f);
          System.arraycopy(qa, qo + rowBase, qt, 0, rows * d);
          System.arraycopy(ga, go + rowBase, gt, 0, rows * d);
          scores4(qt, d, kt, g.sk, nmax, p);
          scores4(gt, d, vt, g.sk, nmax, ds);
          for (int r = 0; r < TILE; r++) {
            double l = r < rows ? lr.get(lo + bh * g.sq + i0 + r) : Double.NEGATIVE_INFINITY;
            int n = r < rows ? g.visible(i0 + r) : 0;
            if (l == Double.NEGATIVE_INFINITY || n == 0) {
              Arrays.fill(p[r], 0, nmax, 0f);
              Arrays.fill(ds[r], 0, nmax, 0f);
              continue;
            }
            // delta = dO . O for this row
            double delta = 0;
            int ob = oo + rowBase + r * d;
            int gb = r * d;
            for (int c = 0; c < d; c++) delta += (double) gt[gb + c] * oa[ob + c];
            probabilities(p[r], n, nmax, scale, keep, b * g.sk, (float) l);
            float dl = (float) delta;
            for (int j = 0; j < nmax; j++) ds[r][j] = p[r][j] * (ds[r][j] - dl);
          }
          // dQ = dS K; dV[j] += P^T dO; dK[j] += scale dS^T Q
          mix4(ds, nmax, ka, kb, d, dqt);
          for (int j = 0; j < nmax; j++) {
            int row = j * d;
            dot4Into(p[0][j], p[1][j], p[2][j], p[3][j], gt, d, dva, dvb + row, 1f);
            dot4Into(ds[0][j], ds[1][j], ds[2][j], ds[3][j], qt, d, dka, dkb + row, scale);
          }
          for (int c = 0; c < rows * d; c++) dqa[dqo + rowBase + c] = dqt[c] * scale;
        }
      }
    });
  }

  /**
   * {@code s[r][j] = sum_d qt[r*D + d] * kt[d*ldk + j]} for the four rows of {@code qt} and keys
   * {@code j < n}: a vector of keys at a time, the sum over d in order.
   */
  static void scores4(float[] qt, int d, float[] kt, int ldk, int n, float[][] s) {
    float[] s0 = s[0];
    float[] s1 = s[1];
    float[] s2 = s[2];
    float[] s3 = s[3];
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      FloatVector a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S);
      for (int c = 0; c < d; c++) {
        FloatVector kv = FloatVector.fromArray(S, kt, c * ldk + j);
        a0 = kv.fma(FloatVector.broadcast(S, qt[c]), a0);
        a1 = kv.fma(FloatVector.broadcast(S, qt[d + c]), a1);
        a2 = kv.fma(FloatVector.broadcast(S, qt[2 * d + c]), a2);
        a3 = kv.fma(FloatVector.broadcast(S, qt[3 * d + c]), a3);
      }
      a0.intoArray(s0, j);
      a1.intoArray(s1, j);
      a2.intoArray(s2, j);
      a3.intoArray(s3, j);
    }
    for (; j < n; j++) {
      float x0 = 0f;
      float x1 = 0f;
      float x2 = 0f;
      float x3 = 0f;
      for (int c = 0; c < d; c++) {
        float kv = kt[c * ldk + j];
        x0 = Math.fma(kv, qt[c], x0);
        x1 = Math.fma(kv, qt[d + c], x1);
        x2 = Math.fma(kv, qt[2 * d + c], x2);
        x3 = Math.fma(kv, qt[3 * d + c], x3);
      }
      s0[j] = x0;
      s1[j] = x1;
      s2[j] = x2;
      s3[j] = x3;
    }
  }

  /**
   * Scales the first {@code n} scores, hides masked keys (-inf) and the keys in [n, nmax) the
   * causal mask hides; returns the maximum (-inf when every key is hidden).
   */
  private static float scaleMaskMax(float[] s, int n, int nmax, float scale, boolean[] keep, int maskBase) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      float x = keep == null || keep[maskBase + j] ? s[j] * scale : Float.NEGATIVE_INFINITY;
      s[j] = x;
      m = Math.max(m, x);
    }
    Arrays.fill(s, n, nmax, Float.NEGATIVE_INFINITY);
    return m;
  }

  /** {@code s[j] = exp(s[j] - m)} for j < n (hidden keys, -inf, become 0); returns the sum. */
  private static float expShifted(float[] s, int n, float m) {
    FloatVector vm = FloatVector.broadcast(S, m);
    FloatVector acc = FloatVector.zero(S);
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) {
      FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, j).sub(vm));
      e.intoArray(s, j);
      acc = acc.add(e);
    }
    float sum = VectorMath.sumLanes(acc);
    for (; j < n; j++) {
      float e = s[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(s[j] - m);
      s[j] = e;
      sum += e;
    }
    return sum;
  }

  /** Backward: raw scores in {@code s} become the probabilities exp(scale s - lse), 0 where hidden. */
  private static void probabilities(float[] s, int n, int nmax, float scale, boolean[] keep, int maskBase, float lse) {
    for (int j = 0; j < n; j++) {
      s[j] = keep == null || keep[maskBase + j] ? s[j] * scale - lse : Float.NEGATIVE_INFINITY;
    }
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) VectorMath.exp(FloatVector.fromArray(S, s, j)).intoArray(s, j);
    for (; j < n; j++) s[j] = s[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(s[j]);
    Arrays.fill(s, n, nmax, 0f);
  }

  /**
   * {@code acc[r*D + c] = sum_{j<n} w[r][j] * x[xo + j*D + c]} for the four rows r and c &lt; D: a
   * vector of columns at a time with the four sums in registers, keys in order.
   */
  static void mix4(float[][] w, int n, float[] x, int xo, int d, float[] acc) {
    float[] w0 = w[0];
    float[] w1 = w[1];
    float[] w2 = w[2];
    float[] w3 = w[3];
    int c = 0;
    int bound = S.loopBound(d);
    for (; c < bound; c += L) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      FloatVector a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S);
      for (int j = 0; j < n; j++) {
        FloatVector xv = FloatVector.fromArray(S, x, xo + j * d + c);
        a0 = xv.fma(FloatVector.broadcast(S, w0[j]), a0);
        a1 = xv.fma(FloatVector.broadcast(S, w1[j]), a1);
        a2 = xv.fma(FloatVector.broadcast(S, w2[j]), a2);
        a3 = xv.fma(FloatVector.broadcast(S, w3[j]), a3);
      }
      a0.intoArray(acc, c);
      a1.intoArray(acc, d + c);
      a2.intoArray(acc, 2 * d + c);
      a3.intoArray(acc, 3 * d + c);
    }
    for (; c < d; c++) {
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      for (int j = 0; j < n; j++) {
        float xv = x[xo + j * d + c];
        s0 = Math.fma(xv, w0[j], s0);
        s1 = Math.fma(xv, w1[j], s1);
        s2 = Math.fma(xv, w2[j], s2);
        s3 = Math.fma(xv, w3[j], s3);
      }
      acc[c] = s0;
      acc[d + c] = s1;
      acc[2 * d + c] = s2;
      acc[3 * d + c] = s3;
    }
  }

  /** {@code y[yo + c] += scale * sum_r w_r * rows[r*D + c]} for c < D. */
  private static void dot4Into(float w0, float w1, float w2, float w3, float[] rows, int d, float[] y, int yo, float scale) {
    if (w0 == 0f && w1 == 0f && w2 == 0f && w3 == 0f) return;
    int c = 0;
    int bound = S.loopBound(d);
    if (bound > 0) {
      FloatVector b1 = FloatVector.broadcast(S, w1);
      FloatVector b2 = FloatVector.broadcast(S, w2);
      FloatVector b3 = FloatVector.broadcast(S, w3);
      FloatVector bs = FloatVector.broadcast(S, scale);
      for (; c < bound; c += L) {
        FloatVector t = FloatVector.fromArray(S, rows, c).mul(w0);
        t = FloatVector.fromArray(S, rows, d + c).fma(b1, t);
        t = FloatVector.fromArray(S, rows, 2 * d + c).fma(b2, t);
        t = FloatVector.fromArray(S, rows, 3 * d + c).fma(b3, t);
        t.fma(bs, FloatVector.fromArray(S, y, yo + c)).intoArray(y, yo + c);
      }
    }
    for (; c < d; c++) {
      float t = rows[c] * w0;
      t = Math.fma(rows[d + c], w1, t);
      t = Math.fma(rows[2 * d + c], w2, t);
      t = Math.fma(rows[3 * d + c], w3, t);
      y[yo + c] = Math.fma(t, scale, y[yo + c]);
    }
  }

  /** {@code t[c*n + j] = a[base + j*d + c]}: a [n, d] block transposed to [d, n]. */
  private static void transpose(float[] a, int base, int n, int d, float[] t) {
    for (int j = 0; j < n; j++) {
      int row = base + j * d;
      for (int c = 0; c < d; c++) t[c * n + j] = a[row + c];
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Per (batch, key): may the key be attended; null when there is no mask. */
  private static boolean[] keep(Tensor keyMask, Dims g) {
    if (keyMask == null) return null;
    if (keyMask.numel() != (long) g.batch * g.sk) {
      throw new IllegalArgumentException("attention key mask of shape " + Arrays.toString(keyMask.shape()) + " must be [" + g.batch + ", " + g.sk + "]");
    }
    boolean[] keep = new boolean[g.batch * g.sk];
    Access.Reader r = Access.reader(keyMask);
    int[] shape = {g.batch, g.sk};
    int[] strides = keyMask.rank() == 2 ? keyMask.strides() : Shapes.contiguousStrides(shape);
    int base = off(keyMask);
    for (int b = 0; b < g.batch; b++) {
      for (int j = 0; j < g.sk; j++) keep[b * g.sk + j] = r.get(base + b * strides[0] + j * strides[1]) != 0;
    }
    return keep;
  }

  private static void requireContiguous(String op, Tensor... ts) {
    for (Tensor t : ts) {
      if (!t.isContiguous()) {
        throw new IllegalArgumentException(op + " on the CPU needs contiguous tensors; got shape " + Arrays.toString(t.shape()) + " with strides " + Arrays.toString(t.strides()));
      }
    }
  }

  private static Tensor f32(int[] shape) {
    return new Tensor(new CpuStorage(DType.F32, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
  }

  /** A contiguous F32 copy of a 16-bit tensor. */
  private static Tensor widen(Tensor t) {
    Tensor w = f32(t.shape());
    CpuBackend.INSTANCE.copy(t, w);
    return w;
  }

  static float[] floats(Tensor t) {
    return ((CpuStorage) t.storage()).floats();
  }

  static int off(Tensor t) {
    return Math.toIntExact(t.offset());
  }
}
