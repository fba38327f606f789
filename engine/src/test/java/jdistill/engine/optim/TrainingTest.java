package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.engine.ops.Reduction;
import org.junit.jupiter.api.Test;

/** End to end: a small MLP learns XOR-labelled points, with every piece (modules, AdamW, schedule, clipping) in the loop. */
class TrainingTest {

  static final int N = 256;
  static final int STEPS = 300;
  static final double LOSS_THRESHOLD = 0.08;

  static final class Mlp extends Module {
    final Linear fc1;
    final Linear fc2;
    final UnaryOperator<Tensor> activation;

    Mlp(Rng rng, UnaryOperator<Tensor> activation) {
      fc1 = registerModule("fc1", new Linear(2, 32, true, rng));
      fc2 = registerModule("fc2", new Linear(32, 2, true, rng));
      this.activation = activation;
    }

    Tensor forward(Tensor x) {
      return fc2.forward(activation.apply(fc1.forward(x)));
    }
  }

  /** Points uniform in [-1, 1]^2 labelled 1 where x*y > 0: not linearly separable. */
  record Data(Tensor x, Tensor y, long[] labels) {
    static Data make(Rng rng) {
      float[] x = new float[2 * N];
      long[] y = new long[N];
      for (int i = 0; i < N; i++) {
        x[2 * i] = (float) (rng.nextDouble() * 2 - 1);
        x[2 * i + 1] = (float) (rng.nextDouble() * 2 - 1);
        y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
      }
      return new Data(Scope.detached(() -> Tensor.of(x, N, 2)), Scope.detached(() -> Tensor.ofLongs(y, N)), y);
    }
  }

  /** Mean cross-entropy as [1] (per-row losses averaged with keepDim: rank-0 tensors are not yet walkable on the CPU). */
  static Tensor loss(Tensor logits, Tensor y) {
    return F.crossEntropy(logits, y, Long.MIN_VALUE, 0.0, Reduction.NONE).mean(0, true);
  }

  /** Trains from {@code seed}; returns the loss of every step followed by the final accuracy. */
  static double[] train(long seed, UnaryOperator<Tensor> activation, int steps) {
    Rng rng = new Rng(seed);
    Data data = Data.make(rng);
    Mlp model = new Mlp(rng, activation);
    AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(model, 0.01), AdamW.Config.of(0.05));
    LrSchedule schedule = LrSchedule.cosine(0.05, 10, steps, 0.1);
    double[] out = new double[steps + 1];
    for (int step = 0; step < steps; step++) {
      try (var s = Scope.open()) {
        Tensor l = loss(model.forward(data.x()), data.y());
        l.backward();
        out[step] = l.item();
        double norm = GradClip.globalNorm(model.parameters());
        schedule.applyTo(opt);
        opt.step(GradClip.scaleFor(norm, 1.0));
        opt.zeroGrad();
      }
    }
    try (var g = GradMode.noGrad(); var s = Scope.open()) {
      long[] predicted = model.forward(data.x()).argmax(-1, false).toLongArray();
      int correct = 0;
      for (int i = 0; i < N; i++) correct += predicted[i] == data.labels()[i] ? 1 : 0;
      out[steps] = (double) correct / N;
    }
    return out;
  }

  @Test
  void geluMlpLearnsXor() {
    long t0 = System.nanoTime();
    double[] a = train(2024, Tensor::gelu, STEPS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double first = a[0];
    double last = a[STEPS - 1];
    System.out.printf("XOR MLP (gelu): loss %.4f -> %.4f, accuracy %.3f, %.2f s%n", first, last, a[STEPS], seconds);
    assertTrue(first > 0.6, "starts near log 2, got " + first);
    assertTrue(last < LOSS_THRESHOLD, "final loss " + last + " should be below " + LOSS_THRESHOLD);
    assertTrue(a[STEPS] >= 0.97, "training accuracy " + a[STEPS]);
  }

  /**
   * Same seed, same bits. Uses ReLU: the CPU backend's F32 tanh/GELU/softmax go through the Vector
   * API's lanewise TANH/EXP, whose results change by an ulp once the JIT compiles them, so runs
   * with those ops are not yet bit-reproducible (an engine issue, not an optimizer one).
   */
  @Test
  void twoRunsWithOneSeedAreBitIdentical() {
    double[] a = train(7, Tensor::relu, 80);
    double[] b = train(7, Tensor::relu, 80);
    assertArrayEquals(a, b, 0.0, "two runs with one seed give bit-identical losses");
    assertTrue(a[79] < a[0] * 0.5, "the ReLU run learns too: " + a[0] + " -> " + a[79]);
    double[] c = train(8, Tensor::relu, 12);
    assertTrue(c[0] != a[0], "another seed gives another run");
  }
}
