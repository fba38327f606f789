package jdistill.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/**
 * A BERT trained through the fused attention kernels computes what it computes through the composed
 * attention: same last hidden state and same gradient for every parameter, on a padded batch of
 * varied lengths. Tapping the attention probabilities forces the composed path, so one model
 * serves both.
 */
class BertFusedAttentionTest {

  private static final TransformerConfig CONFIG = new TransformerConfig(50, 64, 2, 128, 3, 4, 512, 1e-12, Activation.GELU_ERF, 0, 0);

  @Test
  void fusedAndComposedAttentionTrainAlike() {
    for (DType dt : new DType[] {DType.F64, DType.F32}) {
      Rng rng = new Rng(5);
      int b = 6;
      int s = 40;
      long[] ids = new long[b * s];
      long[] mask = new long[b * s];
      for (int i = 0; i < b; i++) {
        int len = 3 + rng.nextInt(s - 3);
        for (int j = 0; j < s; j++) {
          ids[i * s + j] = j < len ? rng.nextInt(50) : 0;
          mask[i * s + j] = j < len ? 1 : 0;
        }
      }
      Tensor idT = Tensor.ofLongs(ids, b, s);
      Tensor maskT = Tensor.ofLongs(mask, b, s);
      Bert bert = new Bert(CONFIG, false, new Rng(9));
      bert.to(dt);
      double[] weights = new double[b * s * CONFIG.hidden()];
      for (int i = 0; i < weights.length; i++) weights[i] = rng.nextGaussian();
      Tensor w = Tensor.of(weights, b, s, CONFIG.hidden()).to(dt);

      Result fused = run(bert, idT, maskT, w, TapRecorder.none());
      Result composed = run(bert, idT, maskT, w, new TapRecorder().request(Tap.ATTENTION_PROBS, -1));
      double tol = dt == DType.F64 ? 1e-10 : 2e-4;
      assertClose(composed.hidden, fused.hidden, tol, dt + " last hidden state");
      assertEquals(composed.grads.size(), fused.grads.size());
      for (int p = 0; p < fused.grads.size(); p++) {
        assertClose(composed.grads.get(p), fused.grads.get(p), tol, dt + " gradient of " + bert.namedParameters().keySet().toArray()[p]);
      }
    }
  }

  private record Result(double[] hidden, List<double[]> grads) {}

  private static Result run(Bert bert, Tensor ids, Tensor mask, Tensor w, TapRecorder taps) {
    bert.zeroGrad();
    Tensor out = bert.forward(ids, mask, null, taps);
    out.mul(w).sum().backward();
    List<double[]> grads = bert.parameters().stream().map(Parameter::grad).map(g -> g.to(DType.F64).toDoubleArray()).toList();
    return new Result(out.to(DType.F64).toDoubleArray(), grads);
  }

  /** Elementwise |a - b| <= tol * (1 + max|a|). */
  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    double largest = 1;
    for (double e : expected) largest = Math.max(largest, Math.abs(e));
    double bound = tol * largest;
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(Math.abs(expected[i] - actual[i]) <= bound, () -> what + ": element " + at + " is " + actual[at] + ", expected " + expected[at] + " (tolerance " + bound + ")");
    }
  }
}
