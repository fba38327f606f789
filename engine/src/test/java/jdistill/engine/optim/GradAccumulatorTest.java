package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import org.junit.jupiter.api.Test;

class GradAccumulatorTest {

  static final class Mlp extends Module {
    final Linear fc1;
    final Linear fc2;

    Mlp(Rng rng) {
      fc1 = registerModule("fc1", new Linear(3, 5, true, rng));
      fc2 = registerModule("fc2", new Linear(5, 2, true, rng));
    }

    Tensor forward(Tensor x) {
      return fc2.forward(fc1.forward(x).tanh());
    }
  }

  /**
   * Mean squared error kept as [1, 1] (same value as F.mse): the CPU pointwise loop cannot yet
   * walk the rank-0 tensors a full reduction returns.
   */
  static Tensor mse(Tensor a, Tensor b) {
    Tensor d = a.sub(b);
    return d.mul(d).mean(new int[] {0, 1}, true);
  }

  private static Map<String, double[]> grads(Module m) {
    Map<String, double[]> out = new LinkedHashMap<>();
    m.namedParameters().forEach((n, p) -> out.put(n, p.grad().toDoubleArray()));
    return out;
  }

  @Test
  void microBatchesSumToTheFullBatchGradient() {
    int k = 4;
    int b = 3;
    Mlp model = new Mlp(new Rng(11));
    model.to(DType.F64);
    Tensor x = Tensor.randn(new Rng(12), 1.0, k * b, 3).to(DType.F64);
    Tensor y = Tensor.randn(new Rng(13), 1.0, k * b, 2).to(DType.F64);

    try (var s = Scope.open()) {
      mse(model.forward(x), y).backward();
    }
    Map<String, double[]> full = grads(model);
    model.zeroGrad();

    GradAccumulator acc = new GradAccumulator(k);
    for (int i = 0; i < k; i++) {
      try (var s = Scope.open()) {
        boolean step = acc.backward(mse(model.forward(x.narrow(0, i * b, b)), y.narrow(0, i * b, b)));
        assertEquals(i == k - 1, step, "step due after the k-th micro-batch only");
      }
    }
    assertEquals(0, acc.pending());
    Map<String, double[]> accumulated = grads(model);
    assertEquals(full.keySet(), accumulated.keySet());
    for (String name : full.keySet()) assertArrayEquals(full.get(name), accumulated.get(name), 1e-14, name);

    // a single micro-batch alone is not the full gradient (the check above can fail)
    model.zeroGrad();
    new GradAccumulator(1).backward(mse(model.forward(x.narrow(0, 0, b)), y.narrow(0, 0, b)));
    assertFalse(java.util.Arrays.equals(full.get("fc1.weight"), grads(model).get("fc1.weight")));
    assertTrue(new GradAccumulator(1).lossScale() == 1.0);
  }
}
