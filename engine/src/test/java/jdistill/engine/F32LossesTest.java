package jdistill.engine;

import static jdistill.engine.TestSupport.assertClose;
import static jdistill.engine.TestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * The F32 loss kernels (vectorised over the vocabulary) against the F64 kernels on the same
 * values, over vocabularies that fill many vectors and leave odd tails: per-row losses, logit
 * gradients, ignored targets, masked rows, label smoothing, temperatures, and the same bits on a
 * second run.
 */
class F32LossesTest {

  private static final int[] VOCABS = {16, 37, 1000, 5003};
  private static final int ROWS = 5;

  @Test
  void crossEntropyMatchesFloat64() {
    Rng rng = new Rng(11);
    for (int v : VOCABS) {
      Tensor logits = uniform(rng, -8, 8, ROWS, v).to(DType.F32);
      long[] t = {3, -100, v - 1, 0, v / 2};
      Tensor targets = Tensor.ofLongs(t, ROWS);
      for (double smoothing : new double[] {0.0, 0.1}) {
        Tensor[] f32 = crossEntropy(logits, targets, smoothing);
        Tensor[] f64 = crossEntropy(logits.to(DType.F64), targets, smoothing);
        String what = "cross-entropy V=" + v + " smoothing " + smoothing;
        assertClose(f64[0], f32[0], 2e-6, 2e-6, what + " loss");
        assertClose(f64[1], f32[1], 1e-6, 1e-6, what + " gradient");
        assertArrayEquals(f32[1].toFloatArray(), crossEntropy(logits, targets, smoothing)[1].toFloatArray(), what + ": same bits again");
      }
    }
  }

  @Test
  void softTargetLossesMatchFloat64() {
    Rng rng = new Rng(12);
    for (int v : VOCABS) {
      Tensor student = uniform(rng, -8, 8, ROWS, v).to(DType.F32);
      Tensor teacher = uniform(rng, -8, 8, ROWS, v).to(DType.F32);
      Tensor mask = Tensor.ofLongs(new long[] {1, 0, 1, 1, 1}, ROWS);
      for (SoftTargetLoss kind : SoftTargetLoss.values()) {
        for (double temperature : new double[] {1.0, 2.5}) {
          Tensor[] f32 = softTarget(kind, student, teacher, temperature, mask);
          Tensor[] f64 = softTarget(kind, student.to(DType.F64), teacher.to(DType.F64), temperature, mask);
          String what = kind + " V=" + v + " T=" + temperature;
          assertClose(f64[0], f32[0], 1e-5, 1e-5, what + " loss");
          assertClose(f64[1], f32[1], 1e-6, 1e-6, what + " gradient");
          assertArrayEquals(f32[1].toFloatArray(), softTarget(kind, student, teacher, temperature, mask)[1].toFloatArray(), what + ": same bits again");
        }
      }
    }
  }

  private static Tensor[] crossEntropy(Tensor logits, Tensor targets, double smoothing) {
    Tensor loss = Tensor.empty(logits.dtype(), logits.device(), ROWS);
    Tensor grad = Tensor.empty(logits.dtype(), logits.device(), logits.shape());
    CpuBackend.INSTANCE.crossEntropy(logits, targets, -100, smoothing, loss, grad);
    return new Tensor[] {loss, grad};
  }

  private static Tensor[] softTarget(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor mask) {
    Tensor loss = Tensor.empty(student.dtype(), student.device(), ROWS);
    Tensor grad = Tensor.empty(student.dtype(), student.device(), student.shape());
    CpuBackend.INSTANCE.softTargetLoss(kind, student, teacher, temperature, mask, loss, grad);
    return new Tensor[] {loss, grad};
  }
}
