package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdistill.distill.core.Batch;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.ops.Attention;
import jdistill.models.transformer.Tap;
import org.junit.jupiter.api.Test;

class TinyBertTest {

  private static final int B = 2;
  private static final int S = 3;
  private static final int HEADS = 2;
  private final Rng rng = new Rng(17);
  private final long[] mask = {1, 1, 1, 1, 1, 0};
  private final Batch batch = Fakes.batch(Fakes.longs(mask, B, S), null);

  @Test
  void intermediateStageAgainstReference() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 4, HEADS), Fakes.config(2, 6, HEADS));
    Method m = Fakes.create("tinybert", null, setup);
    assertArrayEquals(new int[] {1, 3}, ((TinyBert) m).teacherLayers());
    Set<TapRequest> expected = Set.of(TapRequest.student(Tap.EMBEDDINGS, 0), TapRequest.teacher(Tap.EMBEDDINGS, 0), TapRequest.student(Tap.LAYER_OUTPUT, 0),
        TapRequest.student(Tap.LAYER_OUTPUT, 1), TapRequest.teacher(Tap.LAYER_OUTPUT, 1), TapRequest.teacher(Tap.LAYER_OUTPUT, 3), TapRequest.student(Tap.ATTENTION_SCORES, 0),
        TapRequest.student(Tap.ATTENTION_SCORES, 1), TapRequest.teacher(Tap.ATTENTION_SCORES, 1), TapRequest.teacher(Tap.ATTENTION_SCORES, 3));
    assertEquals(expected, new HashSet<>(m.taps()));
    assertNotNull(m.extras());

    Tensor es = Fakes.param(rng, B, S, 6);
    Tensor et = Fakes.randn(rng, B, S, 4);
    Tensor[] hs = {Fakes.param(rng, B, S, 6), Fakes.param(rng, B, S, 6)};
    Tensor[] ht = {Fakes.randn(rng, B, S, 4), Fakes.randn(rng, B, S, 4)};
    Tensor[] as = {scores(true), scores(true)};
    Tensor[] at = {scores(false), scores(false)};
    var student = Fakes.taps(Tap.EMBEDDINGS, 0, es, Tap.LAYER_OUTPUT, 0, hs[0], Tap.LAYER_OUTPUT, 1, hs[1], Tap.ATTENTION_SCORES, 0, as[0], Tap.ATTENTION_SCORES, 1, as[1]);
    var teacher = Fakes.taps(Tap.EMBEDDINGS, 0, et, Tap.LAYER_OUTPUT, 1, ht[0], Tap.LAYER_OUTPUT, 3, ht[1], Tap.ATTENTION_SCORES, 1, at[0], Tap.ATTENTION_SCORES, 3, at[1]);
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, Fakes.output(null, null, teacher), Fakes.output(null, null, student)));

    double[] w = Ref.d(m.extras().namedParameters().get("tinybert_fit_dense.weight").tensor());
    double[] bias = Ref.d(m.extras().namedParameters().get("tinybert_fit_dense.bias").tensor());
    assertEquals(hiddenRef(es, et, w, bias), losses.get("embedding").item(), 1e-5);
    assertEquals(hiddenRef(hs[0], ht[0], w, bias) + hiddenRef(hs[1], ht[1], w, bias), losses.get("hidden").item(), 1e-5);
    assertEquals(scoreRef(as[0], at[0]) + scoreRef(as[1], at[1]), losses.get("attention").item(), 1e-4);
    assertTrue(Double.isFinite(losses.get("attention").item()));
    losses.values().stream().reduce(Tensor::add).orElseThrow().backward();
    for (Tensor t : as) assertTrue(allFinite(t.grad()));
    assertNotNull(m.extras().namedParameters().get("tinybert_fit_dense.weight").grad());
  }

  /** Random scores [B, h, S, S] with padded keys and one causal-like entry at {@link Attention#MASKED}. */
  private Tensor scores(boolean student) {
    double[] v = Ref.d(Fakes.randn(rng, B, HEADS, S, S).mul(3.0));
    for (int b = 0; b < B; b++)
      for (int h = 0; h < HEADS; h++)
        for (int q = 0; q < S; q++)
          for (int k = 0; k < S; k++) {
            if (mask[b * S + k] == 0 || b == 0 && h == 1 && q == 0 && k == 2) v[((b * HEADS + h) * S + q) * S + k] = Attention.MASKED;
          }
    Tensor t = Tensor.of(v, B, HEADS, S, S).to(jdistill.engine.DType.F32);
    return student ? t.requiresGrad(true) : t;
  }

  private double hiddenRef(Tensor s, Tensor t, double[] w, double[] bias) {
    double[] ps = Ref.linear(Ref.d(s), B * S, 6, w, bias, 4);
    double[] td = Ref.d(t);
    double sum = 0;
    int n = 0;
    for (int r = 0; r < B * S; r++) {
      if (mask[r] == 0) continue;
      sum += Ref.mseRow(ps, td, r * 4, 4);
      n++;
    }
    return sum / n;
  }

  private double scoreRef(Tensor s, Tensor t) {
    double[] sd = Ref.d(s);
    double[] td = Ref.d(t);
    double sum = 0;
    int n = 0;
    for (int b = 0; b < B; b++)
      for (int h = 0; h < HEADS; h++)
        for (int q = 0; q < S; q++)
          for (int k = 0; k < S; k++) {
            int i = ((b * HEADS + h) * S + q) * S + k;
            if (mask[b * S + q] == 0 || mask[b * S + k] == 0 || td[i] < -1e29) continue;
            sum += (sd[i] - td[i]) * (sd[i] - td[i]);
            n++;
          }
    return sum / n;
  }

  private static boolean allFinite(Tensor t) {
    for (double v : Ref.d(t)) if (!Double.isFinite(v)) return false;
    return true;
  }

  @Test
  void predictionStageIsSoftCrossEntropyOverTokens() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 4, HEADS), Fakes.config(2, 4, HEADS));
    Method m = Fakes.create("tinybert", Map.of("stage", "prediction", "temperature", 2.0), setup);
    assertTrue(m.taps().isEmpty());
    assertNull(m.extras());
    Tensor sl = Fakes.param(rng, B, S, 5);
    Tensor tl = Fakes.randn(rng, B, S, 5);
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, Fakes.output(tl, null, null), Fakes.output(sl, null, null)));
    double sum = 0;
    for (int r = 0; r < 5; r++) sum += Ref.softCeRow(Ref.d(sl), Ref.d(tl), r * 5, 5, 2.0);
    assertEquals(sum / 5, losses.get("prediction").item(), 1e-5);
  }

  @Test
  void projectionOnlyWhenNeededOrForcedAndHeadsMustMatch() {
    MethodSetup same = Fakes.setup(Fakes.config(4, 4, HEADS), Fakes.config(2, 4, HEADS));
    assertNull(Fakes.create("tinybert", null, same).extras());
    assertNotNull(Fakes.create("tinybert", Map.of("force_projection", true), same).extras());
    assertArrayEquals(new int[] {0, 2}, ((TinyBert) Fakes.create("tinybert", Map.of("teacher_layers", "0, 2"), same)).teacherLayers());
    MethodSetup heads = Fakes.setup(Fakes.config(4, 4, 2), Fakes.config(2, 4, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fakes.create("tinybert", null, heads));
    assertTrue(e.getMessage().contains("attention_weight: 0"), e.getMessage());
    Method noAttention = Fakes.create("tinybert", Map.of("attention_weight", 0), heads);
    assertTrue(noAttention.taps().stream().noneMatch(r -> r.tap() == Tap.ATTENTION_SCORES));
    assertThrows(IllegalArgumentException.class, () -> Fakes.create("tinybert", Map.of("stage", "both"), same));
  }
}
