package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import org.junit.jupiter.api.Test;

class AdamWTest {

  static final double LR = 0.1;
  static final double B1 = 0.9;
  static final double B2 = 0.999;
  static final double EPS = 1e-8;
  static final double WD = 0.1;

  static final double[] W0 = {0.5, -1.0, 2.0, 0.125};
  static final double[] C = {0.5, -1.25, 2.0, 0.375};
  static final double[] B0 = {0.25, -0.5};
  static final double[] D = {1.5, -0.75};

  /** Torch's AdamW, written out in doubles: decay first, then the bias-corrected Adam update. */
  static final class Reference {
    final double[] w;
    final double[] m;
    final double[] v;
    int t;

    Reference(double[] w0) {
      w = w0.clone();
      m = new double[w0.length];
      v = new double[w0.length];
    }

    void step(double[] g, double lr, double wd) {
      t++;
      for (int i = 0; i < w.length; i++) {
        m[i] = B1 * m[i] + (1 - B1) * g[i];
        v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(B1, t));
        double vHat = v[i] / (1 - Math.pow(B2, t));
        w[i] *= 1 - lr * wd;
        w[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
      }
    }
  }

  private static Parameter param(double[] values, DType dtype) {
    return Parameter.of(() -> Tensor.of(values, values.length).to(dtype));
  }

  /** Loss at step t: sum(c * w^2) + t * sum(d * b), so dL/dw = 2 c w and dL/db = t d. */
  private static void backward(Parameter w, Parameter b, int t) {
    Tensor c = Tensor.of(C, C.length).to(w.dtype());
    Tensor d = Tensor.of(D, D.length).to(b.dtype());
    // sums reshaped to [1]: the CPU pointwise loop cannot yet walk rank-0 tensors
    w.tensor().mul(w.tensor()).mul(c).sum().reshape(1).add(b.tensor().mul(d).sum().reshape(1).mul(t)).backward();
  }

  private static void checkThreeSteps(DType dtype, double tol) {
    Parameter w = param(W0, dtype);
    Parameter b = param(B0, dtype);
    Parameter unused = param(new double[] {7, 8}, dtype);
    AdamW opt = new AdamW(
        List.of(new ParamGroup("decay", List.of(w), 1.0, WD), new ParamGroup("no_decay", List.of(b, unused), 0.5, 0.0)),
        new AdamW.Config(LR, B1, B2, EPS, true));
    Reference rw = new Reference(W0);
    Reference rb = new Reference(B0);
    for (int t = 1; t <= 3; t++) {
      double[] gw = new double[W0.length];
      for (int i = 0; i < gw.length; i++) gw[i] = 2 * C[i] * rw.w[i];
      double[] gb = new double[B0.length];
      for (int i = 0; i < gb.length; i++) gb[i] = t * D[i];
      rw.step(gw, LR, WD);
      rb.step(gb, LR * 0.5, 0.0);

      backward(w, b, t);
      assertArrayEquals(gw, w.grad().toDoubleArray(), tol, "gradient at step " + t);
      opt.step();
      opt.zeroGrad();
      assertArrayEquals(rw.w, w.tensor().toDoubleArray(), tol, dtype + " decayed parameter after step " + t);
      assertArrayEquals(rb.w, b.tensor().toDoubleArray(), tol, dtype + " undecayed parameter after step " + t);
    }
    assertEquals(3, opt.stepCount());
    Map<String, Tensor> st = opt.state();
    assertArrayEquals(rw.m, st.get("param0.exp_avg").toDoubleArray(), tol);
    assertArrayEquals(rw.v, st.get("param0.exp_avg_sq").toDoubleArray(), tol * 1e-2);
    assertArrayEquals(rb.m, st.get("param1.exp_avg").toDoubleArray(), tol);
    assertEquals(3.0, st.get("param0.step").item());
    assertArrayEquals(new double[] {7, 8}, unused.tensor().toDoubleArray(), "a parameter without a gradient is not touched");
    assertFalse(st.containsKey("param2.exp_avg"));
    assertNull(w.grad());
  }

  @Test
  void threeStepsMatchHandComputedAdamWInF64() {
    checkThreeSteps(DType.F64, 1e-12);
  }

  @Test
  void threeStepsMatchHandComputedAdamWInF32() {
    checkThreeSteps(DType.F32, 2e-6);
  }

  @Test
  void weightDecayAndBiasCorrectionMatter() {
    // sanity check of the reference itself: without bias correction the first step would be lr * (1-b1)/sqrt(1-b2) ~ 3.16 lr
    Reference r = new Reference(new double[] {1.0});
    r.step(new double[] {0.3}, LR, 0.0);
    assertEquals(1.0 - LR, r.w[0], 1e-7, "the bias-corrected first Adam step moves by lr * sign(g)");
    Reference d = new Reference(new double[] {1.0});
    d.step(new double[] {0.3}, LR, WD);
    assertEquals(1.0 * (1 - LR * WD) - LR, d.w[0], 1e-7);
  }

  private static float bf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    bits += 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(bits & 0xFFFF0000);
  }

  @Test
  void bf16ParametersFollowTheirF32MasterWeights() {
    Parameter f32 = param(W0, DType.F32);
    Parameter bf = param(W0, DType.BF16);
    Parameter bfNoMaster = param(W0, DType.BF16);
    AdamW a = new AdamW(ParamGroup.single(List.of(f32), WD), new AdamW.Config(1e-3, B1, B2, EPS, true));
    AdamW b = new AdamW(ParamGroup.single(List.of(bf), WD), new AdamW.Config(1e-3, B1, B2, EPS, true));
    AdamW c = new AdamW(ParamGroup.single(List.of(bfNoMaster), WD), new AdamW.Config(1e-3, B1, B2, EPS, false));
    Tensor grad = Tensor.of(C, C.length); // exactly representable in BF16, same gradient every step
    for (int t = 0; t < 5; t++) {
      for (Parameter p : List.of(f32, bf, bfNoMaster)) p.tensor().mul(grad.to(p.dtype())).sum().backward();
      a.step();
      b.step();
      c.step();
      a.zeroGrad();
      b.zeroGrad();
      c.zeroGrad();
    }
    float[] master = b.state().get("param0.master").toFloatArray();
    assertEquals(DType.F32, b.state().get("param0.master").dtype());
    assertArrayEquals(f32.tensor().toFloatArray(), master, "master weights follow the F32 trajectory exactly");
    float[] rounded = new float[master.length];
    for (int i = 0; i < master.length; i++) rounded[i] = bf16(master[i]);
    assertArrayEquals(rounded, bf.tensor().toFloatArray(), "the BF16 parameter is its master rounded");
    assertEquals(DType.BF16, bf.dtype());
    assertFalse(c.state().containsKey("param0.master"));
    // without master weights lr 1e-3 updates of 2.0 (BF16 spacing 2^-6) are lost
    assertEquals(2.0f, bfNoMaster.tensor().toFloatArray()[2]);
    assertTrue(master[2] < 2.0f - 4e-3f);
  }

  @Test
  void stateRoundTripResumesExactly() {
    Parameter w1 = param(W0, DType.F32);
    Parameter w2 = param(W0, DType.F32);
    AdamW a = new AdamW(ParamGroup.single(List.of(w1), WD), AdamW.Config.of(0.05));
    AdamW b = new AdamW(ParamGroup.single(List.of(w2), WD), AdamW.Config.of(0.05));
    for (int t = 1; t <= 2; t++) {
      Parameter d = param(new double[] {0, 0}, DType.F32); // unused filler keeps shapes distinct
      backward(w1, d, t);
      a.step();
      a.zeroGrad();
    }
    Map<String, Tensor> saved = new LinkedHashMap<>();
    for (var e : a.state().entrySet()) saved.put(e.getKey(), e.getValue().copy());
    w2.copyFrom(w1.tensor());
    b.loadState(saved);
    assertEquals(2, b.stepCount());
    for (AdamW o : List.of(a, b)) {
      Parameter p = o == a ? w1 : w2;
      backward(p, param(new double[] {0, 0}, DType.F32), 3);
      o.step();
    }
    assertArrayEquals(w1.tensor().toFloatArray(), w2.tensor().toFloatArray());
    assertArrayEquals(a.state().get("param0.exp_avg_sq").toFloatArray(), b.state().get("param0.exp_avg_sq").toFloatArray());
  }

  @Test
  void loadStateRejectsForeignState() {
    Parameter w = param(W0, DType.F32);
    AdamW opt = new AdamW(ParamGroup.single(List.of(w), 0), AdamW.Config.of(0.1));
    var e1 = assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of()));
    assertTrue(e1.getMessage().contains("'step'"), e1.getMessage());
    Map<String, Tensor> wrongShape = Map.of(
        "step", Tensor.ofLongs(new long[] {1}), "param0.step", Tensor.ofLongs(new long[] {1}),
        "param0.exp_avg", Tensor.zeros(3), "param0.exp_avg_sq", Tensor.zeros(3));
    var e2 = assertThrows(IllegalArgumentException.class, () -> opt.loadState(wrongShape));
    assertTrue(e2.getMessage().contains("'param0.exp_avg' has shape [3], the parameter has [4]"), e2.getMessage());
    Map<String, Tensor> partial = Map.of("step", Tensor.ofLongs(new long[] {1}), "param0.step", Tensor.ofLongs(new long[] {1}), "param0.exp_avg", Tensor.zeros(4));
    var e3 = assertThrows(IllegalArgumentException.class, () -> opt.loadState(partial));
    assertTrue(e3.getMessage().contains("needs [exp_avg, exp_avg_sq]"), e3.getMessage());
    Map<String, Tensor> extra = Map.of("step", Tensor.ofLongs(new long[] {1}), "h.0.weight.exp_avg", Tensor.zeros(4));
    var e4 = assertThrows(IllegalArgumentException.class, () -> opt.loadState(extra));
    assertTrue(e4.getMessage().contains("h.0.weight.exp_avg"), e4.getMessage());
  }

  @Test
  void rejectsAParameterInTwoGroups() {
    Parameter w = param(W0, DType.F32);
    var e = assertThrows(IllegalArgumentException.class, () -> new AdamW(
        List.of(new ParamGroup("a", List.of(w), 1, 0), new ParamGroup("b", List.of(w), 1, 0)), AdamW.Config.of(0.1)));
    assertTrue(e.getMessage().contains("group 'a' and again in group 'b'"), e.getMessage());
  }
}
