package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdistill.distill.core.Batch;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.ops.Attention;
import jdistill.models.transformer.Tap;
import org.junit.jupiter.api.Test;

class MiniLmTest {

  static final int B = 2;
  static final int S = 4;
  private final Rng rng = new Rng(23);
  static final long[] MASK = {1, 1, 1, 1, 1, 1, 0, 0};
  private final Batch batch = Fakes.batch(Fakes.longs(MASK, B, S), null);

  static double[][] mask2d() {
    double[][] m = new double[B][S];
    for (int b = 0; b < B; b++) for (int s = 0; s < S; s++) m[b][s] = MASK[b * S + s];
    return m;
  }

  @Test
  void attentionAndValueRelationKlAgainstReference() {
    MethodSetup setup = Fakes.setup(Fakes.config(3, 8, 2), Fakes.config(2, 4, 2));
    Method m = Fakes.create("minilm", null, setup);
    assertEquals(Set.of(TapRequest.student(Tap.ATTENTION_SCORES, 1), TapRequest.teacher(Tap.ATTENTION_SCORES, 2), TapRequest.student(Tap.VALUE, 1), TapRequest.teacher(Tap.VALUE, 2)),
        new HashSet<>(m.taps()));
    Tensor as = scores(true);
    Tensor at = scores(false);
    Tensor vs = Fakes.param(rng, B, 2, S, 2);
    Tensor vt = Fakes.randn(rng, B, 2, S, 4);
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, Fakes.output(null, null, Fakes.taps(Tap.ATTENTION_SCORES, 2, at, Tap.VALUE, 2, vt)),
        Fakes.output(null, null, Fakes.taps(Tap.ATTENTION_SCORES, 1, as, Tap.VALUE, 1, vs))));

    double[] sd = Ref.d(as);
    double[] td = Ref.d(at);
    double sum = 0;
    int rows = 0;
    for (int b = 0; b < B; b++) {
      boolean[] keep = new boolean[S];
      for (int k = 0; k < S; k++) keep[k] = MASK[b * S + k] != 0;
      for (int h = 0; h < 2; h++) {
        for (int q = 0; q < S; q++) {
          if (!keep[q]) continue;
          int off = ((b * 2 + h) * S + q) * S;
          sum += Ref.klRow(sd, td, off, S, 1.0, keep);
          rows++;
        }
      }
    }
    assertEquals(sum / rows, losses.get("attention").item(), 1e-5);
    double value = Ref.relationKl(Ref.mergeHeads(Ref.d(vs), B, 2, S, 2), 4, Ref.mergeHeads(Ref.d(vt), B, 2, S, 4), 8, B, S, 2, mask2d());
    assertEquals(value, losses.get("value").item(), 1e-5);
    losses.get("attention").add(losses.get("value")).backward();
    assertNotNull(as.grad());
    assertNotNull(vs.grad());
  }

  /** Random scores with padded keys at {@link Attention#MASKED}, as the models record them. */
  private Tensor scores(boolean student) {
    double[] v = Ref.d(Fakes.randn(rng, B, 2, S, S).mul(2.0));
    for (int b = 0; b < B; b++)
      for (int i = 0; i < 2 * S * S; i++) if (MASK[b * S + i % S] == 0) v[b * 2 * S * S + i] = Attention.MASKED;
    Tensor t = Tensor.of(v, B, 2, S, S).to(DType.F32);
    return student ? t.requiresGrad(true) : t;
  }

  @Test
  void headCountsMustMatch() {
    MethodSetup setup = Fakes.setup(Fakes.config(3, 8, 4), Fakes.config(2, 4, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fakes.create("minilm", null, setup));
    assertTrue(e.getMessage().contains("minilmv2"), e.getMessage());
  }
}
