package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import org.junit.jupiter.api.Test;

class SgdTest {

  static final double[] W0 = {0.5, -1.0, 2.0};
  static final double[] C = {0.5, -1.25, 2.0};

  /** torch.optim.SGD written out in doubles. */
  private static double[] reference(double lr, double mu, double dampening, double wd, boolean nesterov, int steps) {
    double[] w = W0.clone();
    double[] buf = null;
    for (int t = 0; t < steps; t++) {
      double[] g = new double[w.length];
      for (int i = 0; i < w.length; i++) g[i] = 2 * C[i] * w[i] + wd * w[i];
      if (mu != 0) {
        if (buf == null) {
          buf = g.clone();
        } else {
          for (int i = 0; i < w.length; i++) buf[i] = mu * buf[i] + (1 - dampening) * g[i];
        }
        for (int i = 0; i < w.length; i++) g[i] = nesterov ? g[i] + mu * buf[i] : buf[i];
      }
      for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
    return w;
  }

  private static double[] run(Sgd.Config cfg, double wd, int steps) {
    Parameter w = Parameter.of(() -> Tensor.of(W0, W0.length));
    Sgd opt = new Sgd(ParamGroup.single(List.of(w), wd), cfg);
    Tensor c = Tensor.of(C, C.length);
    for (int t = 0; t < steps; t++) {
      w.tensor().mul(w.tensor()).mul(c).sum().backward();
      opt.step();
      opt.zeroGrad();
    }
    return w.tensor().toDoubleArray();
  }

  @Test
  void plainSgd() {
    assertArrayEquals(reference(0.1, 0, 0, 0, false, 3), run(new Sgd.Config(0.1, 0, 0, false), 0, 3), 1e-13);
  }

  @Test
  void momentumWithWeightDecay() {
    double[] expect = reference(0.1, 0.9, 0, 0.01, false, 3);
    assertArrayEquals(expect, run(new Sgd.Config(0.1, 0.9, 0, false), 0.01, 3), 1e-13);
    // hand-checked first value: w0 = 0.5, g = 2*0.5*0.5 + 0.005 = 0.505; buf = g; w1 = 0.5 - 0.0505 = 0.4495
    assertArrayEquals(new double[] {0.4495}, new double[] {run(new Sgd.Config(0.1, 0.9, 0, false), 0.01, 1)[0]}, 1e-15);
  }

  @Test
  void nesterovAndDampening() {
    assertArrayEquals(reference(0.05, 0.9, 0, 0, true, 3), run(new Sgd.Config(0.05, 0.9, 0, true), 0, 3), 1e-13);
    assertArrayEquals(reference(0.05, 0.8, 0.3, 0.02, false, 3), run(new Sgd.Config(0.05, 0.8, 0.3, false), 0.02, 3), 1e-13);
  }

  @Test
  void rejectsNesterovWithoutMomentum() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0.1, 0, 0, true));
  }
}
