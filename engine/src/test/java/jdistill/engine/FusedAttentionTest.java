package jdistill.engine;

import static jdistill.engine.TestSupport.assertClose;
import static jdistill.engine.TestSupport.leaf;
import static jdistill.engine.TestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.TestSupport.Layout;
import jdistill.engine.cpu.CpuBackend;
import jdistill.engine.ops.Attention;
import org.junit.jupiter.api.Test;

/**
 * The fused attention ({@link Attention#fused}, {@code Backend.attentionForward/Backward} on the
 * CPU) against the composed {@link Attention#sdpa} and against plain double loops: outputs,
 * logsumexp, gradients, causal alignment with Sq != Sk, padding masks, fully masked rows, odd
 * sizes, BF16, determinism, and a float64 gradient check.
 */
class FusedAttentionTest {

  /** One problem: sizes, masks and the probability that a key is kept by the padding mask. */
  private record Case(int b, int h, int sq, int sk, int d, boolean causal, boolean padded) {
    @Override
    public String toString() {
      return "B" + b + " H" + h + " Sq" + sq + " Sk" + sk + " D" + d + (causal ? " causal" : "") + (padded ? " padded" : "");
    }
  }

  private static List<Case> cases() {
    List<Case> cs = new ArrayList<>();
    int[][] sizes = {{1, 1, 1, 1, 1}, {2, 3, 5, 5, 4}, {2, 3, 1, 9, 17}, {2, 2, 3, 8, 3}, {1, 3, 9, 4, 5}, {2, 1, 7, 7, 33}, {1, 2, 6, 33, 8},
        {3, 1, 13, 13, 1}, {1, 2, 2, 5, 65}};
    for (int[] s : sizes) {
      for (boolean causal : new boolean[] {false, true}) {
        for (boolean padded : new boolean[] {false, true}) cs.add(new Case(s[0], s[1], s[2], s[3], s[4], causal, padded));
      }
    }
    return cs;
  }

  /** A [B, Sk] 0/1 mask that always keeps key 0 (so no row is fully masked unless causal makes it so). */
  private static Tensor keyMask(Rng rng, int b, int sk) {
    double[] m = new double[b * sk];
    for (int i = 0; i < m.length; i++) m[i] = i % sk == 0 || rng.nextDouble() < 0.6 ? 1 : 0;
    return Tensor.of(m, b, sk);
  }

  /** Query rows that see no key: with the end-aligned causal mask, rows i < Sq - Sk. */
  private static boolean rowEmpty(Case c, int i) {
    return c.causal && i + c.sk - c.sq < 0;
  }

  @Test
  void forwardMatchesComposedAttention() {
    Rng rng = new Rng(1);
    for (Case c : cases()) {
      Tensor q = uniform(rng, -2, 2, c.b, c.h, c.sq, c.d);
      Tensor k = uniform(rng, -2, 2, c.b, c.h, c.sk, c.d);
      Tensor v = uniform(rng, -1, 1, c.b, c.h, c.sk, c.d);
      Tensor mask = c.padded ? keyMask(rng, c.b, c.sk) : null;
      double scale = 1 / Math.sqrt(c.d);
      for (DType dt : new DType[] {DType.F64, DType.F32}) {
        double tol = dt == DType.F64 ? 1e-12 : 1e-5;
        Tensor fused = Attention.fused(q.to(dt), k.to(dt), v.to(dt), mask, c.causal, scale);
        Tensor composed = Attention.sdpa(q.to(dt), k.to(dt), v.to(dt), mask == null ? null : mask.reshape(c.b, 1, 1, c.sk), c.causal, scale).output();
        assertArrayEquals(new int[] {c.b, c.h, c.sq, c.d}, fused.shape());
        assertEquals(dt, fused.dtype());
        double[] f = fused.toDoubleArray();
        double[] e = composed.toDoubleArray();
        for (int row = 0; row < c.b * c.h * c.sq; row++) {
          boolean empty = rowEmpty(c, row % c.sq);
          for (int x = 0; x < c.d; x++) {
            int at = row * c.d + x;
            // a query with no visible key: 0 here, a uniform average in the composed path
            double want = empty ? 0 : e[at];
            if (Math.abs(f[at] - want) > tol * (1 + Math.abs(want))) {
              throw new AssertionError(c + " " + dt + ": row " + row + " element " + x + ": fused " + f[at] + ", expected " + want);
            }
          }
        }
      }
    }
  }

  @Test
  void logsumexpAndOutputAgainstDoubleLoops() {
    Rng rng = new Rng(2);
    for (Case c : cases()) {
      Tensor q = uniform(rng, -2, 2, c.b, c.h, c.sq, c.d);
      Tensor k = uniform(rng, -2, 2, c.b, c.h, c.sk, c.d);
      Tensor v = uniform(rng, -1, 1, c.b, c.h, c.sk, c.d);
      Tensor mask = c.padded ? keyMask(rng, c.b, c.sk) : null;
      double scale = 0.3;
      double[][] ref = reference(c, q.toDoubleArray(), k.toDoubleArray(), v.toDoubleArray(), mask == null ? null : mask.toDoubleArray(), scale);
      for (DType dt : new DType[] {DType.F64, DType.F32}) {
        Tensor out = Tensor.empty(dt, Device.CPU, c.b, c.h, c.sq, c.d);
        Tensor lse = Tensor.empty(dt == DType.F64 ? DType.F64 : DType.F32, Device.CPU, c.b, c.h, c.sq);
        CpuBackend.INSTANCE.attentionForward(q.to(dt), k.to(dt), v.to(dt), mask, c.causal, scale, out, lse);
        double tol = dt == DType.F64 ? 1e-12 : 2e-6;
        assertClose(ref[0], out.toDoubleArray(), tol, tol, c + " " + dt + " output");
        assertClose(ref[1], lse.toDoubleArray(), tol, tol, c + " " + dt + " logsumexp");
      }
    }
  }

  /** Output and logsumexp by definition, in double; rows with no visible key give 0 and -inf. */
  private static double[][] reference(Case c, double[] q, double[] k, double[] v, double[] mask, double scale) {
    double[] out = new double[c.b * c.h * c.sq * c.d];
    double[] lse = new double[c.b * c.h * c.sq];
    for (int b = 0; b < c.b; b++) {
      for (int h = 0; h < c.h; h++) {
        for (int i = 0; i < c.sq; i++) {
          int row = (b * c.h + h) * c.sq + i;
          double[] s = new double[c.sk];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < c.sk; j++) {
            boolean hidden = (mask != null && mask[b * c.sk + j] == 0) || (c.causal && j > i + c.sk - c.sq);
            if (hidden) {
              s[j] = Double.NEGATIVE_INFINITY;
              continue;
            }
            double dot = 0;
            for (int x = 0; x < c.d; x++) dot += q[row * c.d + x] * k[((b * c.h + h) * c.sk + j) * c.d + x];
            s[j] = dot * scale;
            max = Math.max(max, s[j]);
          }
          if (max == Double.NEGATIVE_INFINITY) {
            lse[row] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double sum = 0;
          for (int j = 0; j < c.sk; j++) sum += Math.exp(s[j] - max);
          lse[row] = max + Math.log(sum);
          for (int j = 0; j < c.sk; j++) {
            double p = Math.exp(s[j] - lse[row]);
            for (int x = 0; x < c.d; x++) out[row * c.d + x] += p * v[((b * c.h + h) * c.sk + j) * c.d + x];
          }
        }
      }
    }
    return new double[][] {out, lse};
  }

  @Test
  void gradientsMatchComposedAttention() {
    Rng rng = new Rng(3);
    for (Case c : cases()) {
      if (c.causal && c.sq > c.sk) continue; // rows with no key differ by definition (checked below)
      double scale = 1 / Math.sqrt(c.d);
      Tensor q0 = uniform(rng, -2, 2, c.b, c.h, c.sq, c.d);
      Tensor k0 = uniform(rng, -2, 2, c.b, c.h, c.sk, c.d);
      Tensor v0 = uniform(rng, -1, 1, c.b, c.h, c.sk, c.d);
      Tensor dOut = uniform(rng, -1, 1, c.b, c.h, c.sq, c.d);
      Tensor mask = c.padded ? keyMask(rng, c.b, c.sk) : null;
      for (DType dt : new DType[] {DType.F64, DType.F32}) {
        double tol = dt == DType.F64 ? 1e-11 : 2e-5;
        Tensor[] fused = grads(in -> Attention.fused(in[0], in[1], in[2], mask, c.causal, scale), dOut, dt, q0, k0, v0);
        Tensor[] composed = grads(in -> Attention.sdpa(in[0], in[1], in[2], mask == null ? null : mask.reshape(c.b, 1, 1, c.sk), c.causal, scale).output(),
            dOut, dt, q0, k0, v0);
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) assertClose(composed[i], fused[i], tol, tol, c + " " + dt + " " + names[i]);
      }
    }
  }

  /** Gradients of sum(f(q, k, v) * dOut) with respect to q, k, v, computed in {@code dt}. */
  private static Tensor[] grads(java.util.function.Function<Tensor[], Tensor> f, Tensor dOut, DType dt, Tensor... inputs) {
    Tensor[] in = new Tensor[inputs.length];
    for (int i = 0; i < in.length; i++) in[i] = inputs[i].to(dt).detach().requiresGrad(true);
    f.apply(in).mul(dOut.to(dt)).sum().backward();
    Tensor[] g = new Tensor[in.length];
    for (int i = 0; i < in.length; i++) g[i] = in[i].grad();
    return g;
  }

  @Test
  void fullyMaskedRowsGiveZeroOutputMinusInfinityAndNoGradient() {
    Rng rng = new Rng(4);
    int b = 2;
    int h = 2;
    int s = 5;
    int d = 3;
    Tensor mask = Tensor.of(new double[] {1, 0, 1, 1, 0, 0, 0, 0, 0, 0}, b, s); // batch 1 sees nothing
    for (DType dt : new DType[] {DType.F64, DType.F32}) {
      Tensor q = uniform(rng, -1, 1, b, h, s, d).to(dt).requiresGrad(true);
      Tensor k = uniform(rng, -1, 1, b, h, s, d).to(dt).requiresGrad(true);
      Tensor v = uniform(rng, -1, 1, b, h, s, d).to(dt).requiresGrad(true);
      Tensor out = Attention.fused(q, k, v, mask, false, 0.5);
      out.mul(uniform(rng, -1, 1, b, h, s, d).to(dt)).sum().backward();
      double[] o = out.toDoubleArray();
      int half = h * s * d;
      for (int i = half; i < 2 * half; i++) assertEquals(0.0, o[i], "batch 1 output " + i);
      for (Tensor t : new Tensor[] {q.grad(), k.grad(), v.grad()}) {
        double[] g = t.toDoubleArray();
        for (int i = half; i < 2 * half; i++) assertEquals(0.0, g[i], "batch 1 gradient " + i);
        boolean anyNonZero = false;
        for (int i = 0; i < half; i++) anyNonZero |= g[i] != 0;
        assertTrue(anyNonZero, "batch 0 has gradients");
      }
      Tensor lse = Tensor.empty(dt == DType.F64 ? DType.F64 : DType.F32, Device.CPU, b, h, s);
      CpuBackend.INSTANCE.attentionForward(q.detach(), k.detach(), v.detach(), mask, false, 0.5, Tensor.empty(dt, Device.CPU, b, h, s, d), lse);
      double[] l = lse.toDoubleArray();
      for (int i = 0; i < h * s; i++) assertTrue(Double.isFinite(l[i]), "batch 0 logsumexp finite");
      for (int i = h * s; i < 2 * h * s; i++) assertEquals(Double.NEGATIVE_INFINITY, l[i], "batch 1 logsumexp");
    }
  }

  @Test
  void causalWithMoreQueriesThanKeysHidesTheFirstQueriesEntirely() {
    // Sq = 6 over Sk = 4: query i sees keys j <= i - 2, so queries 0 and 1 see nothing
    Rng rng = new Rng(5);
    Tensor q = uniform(rng, -1, 1, 1, 1, 6, 2);
    Tensor k = uniform(rng, -1, 1, 1, 1, 4, 2);
    Tensor v = uniform(rng, -1, 1, 1, 1, 4, 2);
    double[] o = Attention.fused(q, k, v, null, true, 1.0).toDoubleArray();
    assertEquals(0.0, o[0]);
    assertEquals(0.0, o[3]);
    // query 2 sees only key 0: its output is v[0]
    assertEquals(v.toDoubleArray()[0], o[4], 1e-15);
    assertEquals(v.toDoubleArray()[1], o[5], 1e-15);
  }

  @Test
  void gradientCheckFloat64() {
    Rng rng = new Rng(6);
    Tensor pad = Tensor.ofLongs(new long[] {1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1}, 2, 1, 1, 6);
    for (Layout layout : new Layout[] {Layout.CONTIGUOUS, Layout.TRANSPOSED, Layout.NARROWED}) {
      Tensor q = leaf(layout, rng, 2, 2, 4, 3);
      Tensor k = leaf(layout, rng, 2, 2, 6, 3);
      Tensor v = leaf(layout, rng, 2, 2, 6, 3);
      GradCheck.check("fused plain " + layout, in -> Attention.fused(in[0], in[1], in[2], null, false, 0.6), q, k, v);
      GradCheck.check("fused causal, 4 queries over 6 keys " + layout, in -> Attention.fused(in[0], in[1], in[2], null, true, 0.6), q, k, v);
      GradCheck.check("fused causal+padding " + layout, in -> Attention.fused(in[0], in[1], in[2], pad, true, 0.6), q, k, v);
    }
    Tensor q = uniform(rng, -1, 1, 1, 3, 5, 2);
    Tensor k = uniform(rng, -1, 1, 1, 3, 3, 2);
    Tensor v = uniform(rng, -1, 1, 1, 3, 3, 2);
    GradCheck.check("fused causal, 5 queries over 3 keys", in -> Attention.fused(in[0], in[1], in[2], null, true, 1.1), q, k, v);
  }

  @Test
  void largerProblemAcrossTaskAndTileBoundaries() {
    Rng rng = new Rng(7);
    int b = 2;
    int h = 3;
    int s = 150;
    int d = 64;
    Tensor q = uniform(rng, -1, 1, b, h, s, d).to(DType.F32);
    Tensor k = uniform(rng, -1, 1, b, h, s, d).to(DType.F32);
    Tensor v = uniform(rng, -1, 1, b, h, s, d).to(DType.F32);
    Tensor mask = keyMask(rng, b, s);
    double scale = 1 / Math.sqrt(d);
    Tensor fused = Attention.fused(q, k, v, mask, true, scale);
    Tensor composed = Attention.sdpa(q, k, v, mask.reshape(b, 1, 1, s), true, scale).output();
    assertClose(composed, fused, 1e-5, 1e-5, "F32 150x150, D 64");
    Tensor again = Attention.fused(q, k, v, mask, true, scale);
    assertArrayEquals(fused.toFloatArray(), again.toFloatArray(), "same bits on a second run");
  }

  @Test
  void bf16IsComputedFromWidenedInputs() {
    Rng rng = new Rng(8);
    Tensor q = uniform(rng, -1, 1, 2, 2, 7, 8).to(DType.BF16);
    Tensor k = uniform(rng, -1, 1, 2, 2, 9, 8).to(DType.BF16);
    Tensor v = uniform(rng, -1, 1, 2, 2, 9, 8).to(DType.BF16);
    Tensor out = Attention.fused(q, k, v, null, true, 0.4);
    assertEquals(DType.BF16, out.dtype());
    Tensor ref = Attention.fused(q.to(DType.F32), k.to(DType.F32), v.to(DType.F32), null, true, 0.4);
    assertClose(ref, out, 1e-2, 1e-2, "BF16 against F32 of the same inputs");
  }

  @Test
  void functionalFormTakesTheFusedPathWhenItCan() {
    Rng rng = new Rng(9);
    Tensor q = uniform(rng, -1, 1, 2, 2, 3, 4).requiresGrad(true);
    Tensor k = uniform(rng, -1, 1, 2, 2, 5, 4).requiresGrad(true);
    Tensor v = uniform(rng, -1, 1, 2, 2, 5, 4).requiresGrad(true);
    Tensor mask4 = Tensor.ofLongs(new long[] {1, 1, 0, 1, 1, 0, 1, 1, 1, 1}, 2, 1, 1, 5);
    Tensor viaF = F.scaledDotProductAttention(q, k, v, mask4, true);
    assertEquals("attention", viaF.gradFn().op());
    Tensor composed = Attention.sdpa(q, k, v, mask4, true, 0.5).output();
    assertClose(composed, viaF, 1e-12, 1e-12, "F.scaledDotProductAttention");
    // a value dim unlike the key dim, a per-query mask or rank 3: the composed path
    Tensor v6 = uniform(rng, -1, 1, 2, 2, 5, 6);
    assertFalse(Attention.canFuse(q, k, v6, null));
    assertArrayEquals(new int[] {2, 2, 3, 6}, F.scaledDotProductAttention(q, k, v6, null, false).shape());
    Tensor perQuery = Tensor.ones(2, 1, 3, 5);
    assertFalse(Attention.canFuse(q, k, v, perQuery));
    assertNotEquals("attention", F.scaledDotProductAttention(q, k, v, perQuery, false).gradFn().op());
    Tensor q3 = uniform(rng, -1, 1, 2, 3, 4);
    assertFalse(Attention.canFuse(q3, q3, q3, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attention.fused(q, k, v, perQuery, false, 1));
    assertTrue(e.getMessage().contains("one value per (batch, key)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Attention.fused(q, k.to(DType.F32), v, null, false, 1));
    assertTrue(e.getMessage().contains("one floating dtype"), e.getMessage());
    // a [1, Sk] mask broadcasts over the batch
    Tensor shared = Tensor.of(new double[] {1, 0, 1, 1, 1}, 1, 5);
    assertClose(Attention.sdpa(q, k, v, shared.reshape(1, 1, 1, 5), false, 0.5).output(), Attention.fused(q, k, v, shared, false, 0.5), 1e-12, 1e-12,
        "[1, Sk] mask");
  }
}
