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
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.transformer.Tap;
import org.junit.jupiter.api.Test;

class MiniLmV2Test {

  private static final int B = MiniLmTest.B;
  private static final int S = MiniLmTest.S;
  private final Rng rng = new Rng(29);
  private final Batch batch = Fakes.batch(Fakes.longs(MiniLmTest.MASK, B, S), null);

  @Test
  void relationHeadsIndependentOfAttentionHeads() {
    // teacher 4 heads of 2 (width 8), student 2 heads of 2 (width 4), 2 relation heads
    MethodSetup setup = Fakes.setup(Fakes.config(3, 8, 4), Fakes.config(2, 4, 2));
    Method m = Fakes.create("minilmv2", Map.of("relation_heads", 2, "teacher_layer", 1, "key_weight", 0.5), setup);
    assertEquals(Set.of(TapRequest.student(Tap.QUERY, 1), TapRequest.teacher(Tap.QUERY, 1), TapRequest.student(Tap.KEY, 1), TapRequest.teacher(Tap.KEY, 1), TapRequest.student(Tap.VALUE, 1),
        TapRequest.teacher(Tap.VALUE, 1)), new HashSet<>(m.taps()));
    Tap[] kinds = {Tap.QUERY, Tap.KEY, Tap.VALUE};
    Tensor[] xs = new Tensor[3];
    Tensor[] xt = new Tensor[3];
    var st = new jdistill.models.transformer.TapRecorder();
    var tt = new jdistill.models.transformer.TapRecorder();
    for (int k = 0; k < 3; k++) {
      xs[k] = Fakes.param(rng, B, 2, S, 2);
      xt[k] = Fakes.randn(rng, B, 4, S, 2);
      st.request(kinds[k], 1).offer(kinds[k], 1, xs[k]);
      tt.request(kinds[k], 1).offer(kinds[k], 1, xt[k]);
    }
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, Fakes.output(null, null, tt), Fakes.output(null, null, st)));
    String[] names = {"query", "key", "value"};
    double[] weights = {1, 0.5, 1};
    for (int k = 0; k < 3; k++) {
      double ref = Ref.relationKl(Ref.mergeHeads(Ref.d(xs[k]), B, 2, S, 2), 4, Ref.mergeHeads(Ref.d(xt[k]), B, 4, S, 2), 8, B, S, 2, MiniLmTest.mask2d());
      assertEquals(weights[k] * ref, losses.get(names[k]).item(), 1e-5, names[k]);
    }
    losses.values().stream().reduce(Tensor::add).orElseThrow().backward();
    for (Tensor x : xs) assertNotNull(x.grad());
  }

  @Test
  void relationHeadsMustDivideBothWidths() {
    MethodSetup setup = Fakes.setup(Fakes.config(3, 8, 4), Fakes.config(2, 12, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fakes.create("minilmv2", null, setup));
    assertTrue(e.getMessage().contains("48 must divide both"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fakes.create("minilmv2", Map.of("relation_heads", 4, "teacher_layer", 3), setup));
    Method ok = Fakes.create("minilmv2", Map.of("relation_heads", 4, "teacher_layer", -2, "query_weight", 0), setup);
    assertEquals(Set.of(TapRequest.student(Tap.KEY, 1), TapRequest.teacher(Tap.KEY, 1), TapRequest.student(Tap.VALUE, 1), TapRequest.teacher(Tap.VALUE, 1)), new HashSet<>(ok.taps()));
  }
}
