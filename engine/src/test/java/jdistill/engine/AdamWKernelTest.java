package jdistill.engine;

import static jdistill.engine.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jdistill.engine.backend.Backend.AdamWHyper;
import org.junit.jupiter.api.Test;

/** The backend's fused AdamW step against the update written out by hand (decoupled weight decay, bias correction). */
class AdamWKernelTest {

  @Test
  void threeStepsMatchTheFormula() {
    Rng rng = new Rng(1);
    int n = 50;
    double[] w = TestSupport.uniform(rng, -1, 1, n).toDoubleArray();
    double[] m = new double[n];
    double[] v = new double[n];
    Tensor param = Tensor.of(w, n);
    Tensor mt = Tensor.zeros(DType.F64, Device.CPU, n);
    Tensor vt = Tensor.zeros(DType.F64, Device.CPU, n);
    double lr = 1e-2;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.1;
    double scale = 0.5;
    for (int step = 1; step <= 3; step++) {
      Tensor grad = TestSupport.uniform(rng, -1, 1, n);
      double[] g = grad.toDoubleArray();
      param.backend().adamw(param, grad, mt, vt, null, new AdamWHyper(lr, b1, b2, eps, wd, step, scale));
      for (int i = 0; i < n; i++) {
        double gi = g[i] * scale;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        double mHat = m[i] / (1 - Math.pow(b1, step));
        double vHat = v[i] / (1 - Math.pow(b2, step));
        w[i] = w[i] * (1 - lr * wd) - lr * mHat / (Math.sqrt(vHat) + eps);
      }
      assertClose(w, param.toDoubleArray(), 1e-14, 1e-12, "weights after step " + step);
      assertClose(m, mt.toDoubleArray(), 1e-15, 1e-13, "first moment after step " + step);
      assertClose(v, vt.toDoubleArray(), 1e-15, 1e-13, "second moment after step " + step);
    }
  }

  @Test
  void masterWeightsFeedALowPrecisionCopy() {
    Tensor master = Tensor.of(new float[] {1.0f, -2.0f, 0.5f}, 3);
    Tensor param = master.to(DType.BF16);
    Tensor grad = Tensor.of(new float[] {0.1f, 0.2f, -0.3f}, 3).to(DType.BF16);
    Tensor m = Tensor.zeros(3);
    Tensor v = Tensor.zeros(3);
    param.backend().adamw(param, grad, m, v, master, new AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.0, 1, 1.0));
    float[] mw = master.toFloatArray();
    // the first step moves each weight by lr * sign(g) (bias-corrected m / sqrt(v) = g / |g|)
    assertEquals(1.0f - 1e-3f, mw[0], 1e-6f);
    assertEquals(-2.0f - 1e-3f, mw[1], 1e-6f);
    assertEquals(0.5f + 1e-3f, mw[2], 1e-6f);
    float[] p = param.toFloatArray();
    for (int i = 0; i < 3; i++) {
      assertEquals(jdistill.engine.cpu.HalfFloats.bf16ToFloat(jdistill.engine.cpu.HalfFloats.floatToBf16(mw[i])), p[i], "BF16 copy of the master weight " + i);
    }
  }
}
