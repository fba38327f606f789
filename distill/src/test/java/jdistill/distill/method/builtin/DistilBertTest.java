package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.StepView;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class DistilBertTest {

  private final Rng rng = new Rng(13);
  private final Tensor sl = Fakes.param(rng, 2, 3, 5);
  private final Tensor tl = Fakes.randn(rng, 2, 3, 5).mul(2.0);
  private final long[] mask = {1, 1, 1, 1, 0, 0};
  private final long[] labels = {-100, 3, -100, 1, -100, -100};
  private final Batch batch = Fakes.batch(Fakes.longs(mask, 2, 3), Fakes.longs(labels, 2, 3));

  @Test
  void tripleLossAgainstReference() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 4, 2), Fakes.config(2, 4, 2));
    Method m = Fakes.create("distilbert", null, setup);
    assertTrue(m.taps().isEmpty());
    assertNull(m.extras());
    Tensor hs = Fakes.param(rng, 2, 3, 4);
    Tensor ht = Fakes.randn(rng, 2, 3, 4);
    Map<String, Tensor> losses = m.losses(step(hs, ht));
    double[] s = Ref.d(sl);
    double[] t = Ref.d(tl);
    double soft = 0;
    double lm = 0;
    double cos = 0;
    int tokens = 0;
    int labelled = 0;
    for (int r = 0; r < 6; r++) {
      if (labels[r] != -100) {
        lm += Ref.ceRow(s, r * 5, 5, (int) labels[r]);
        labelled++;
      }
      if (mask[r] == 0) continue;
      soft += Ref.klRow(s, t, r * 5, 5, 2.0, null);
      cos += Ref.cosDistRow(Ref.d(hs), Ref.d(ht), r * 4, 4);
      tokens++;
    }
    assertEquals(5 * soft / tokens, losses.get("soft").item(), 1e-4);
    assertEquals(2 * lm / labelled, losses.get("lm").item(), 1e-5);
    assertEquals(cos / tokens, losses.get("cos").item(), 1e-5);
    losses.values().stream().reduce(Tensor::add).orElseThrow().backward();
    assertNotNull(hs.grad());
    assertNotNull(sl.grad());
  }

  @Test
  void restrictedSoftLossLogitMseAndProjection() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 4, 2), Fakes.config(2, 6, 2));
    Method m = Fakes.create("distilbert", Map.of("restrict_ce_to_mask", true, "alpha_mse", 0.5, "alpha_mlm", 0, "temperature", 1.5), setup);
    assertNotNull(m.extras());
    Tensor hs = Fakes.param(rng, 2, 3, 6);
    Tensor ht = Fakes.randn(rng, 2, 3, 4);
    Map<String, Tensor> losses = m.losses(step(hs, ht));
    assertEquals(List.of("soft", "mse", "cos"), List.copyOf(losses.keySet()));
    double[] s = Ref.d(sl);
    double[] t = Ref.d(tl);
    double soft = (Ref.klRow(s, t, 5, 5, 1.5, null) + Ref.klRow(s, t, 15, 5, 1.5, null)) / 2;
    double mse = (Ref.mseRow(s, t, 5, 5) + Ref.mseRow(s, t, 15, 5)) / 2;
    assertEquals(5 * soft, losses.get("soft").item(), 1e-4);
    assertEquals(0.5 * mse, losses.get("mse").item(), 1e-5);
    double[] w = Ref.d(m.extras().namedParameters().get("distilbert_proj.weight").tensor());
    double[] b = Ref.d(m.extras().namedParameters().get("distilbert_proj.bias").tensor());
    double[] proj = Ref.linear(Ref.d(hs), 6, 6, w, b, 4);
    double cos = 0;
    for (int r = 0; r < 4; r++) cos += Ref.cosDistRow(proj, Ref.d(ht), r * 4, 4) / 4;
    assertEquals(cos, losses.get("cos").item(), 1e-5);
  }

  private StepView step(Tensor hs, Tensor ht) {
    return Fakes.step(batch, Fakes.output(tl, ht, null), Fakes.output(sl, hs, null));
  }

  @Test
  void studentStartsFromEveryOtherTeacherLayer() {
    assertEquals(List.of(0, 2, 4, 7, 9, 11), DistilBert.teacherLayers(12, 6));
    TransformerConfig c = new TransformerConfig(20, 8, 0, 8, 4, 2, 16, 1e-5, Activation.GELU_TANH, 0, 0);
    Gpt2 teacher = new Gpt2(c, new Rng(3));
    Module student = DistilBert.initStudent(teacher, 2);
    assertEquals(2, ((Gpt2) student).config().layers());
    // 2 of 4 spread from first to last: teacher layers 0 and 3
    Map<String, Tensor> ts = teacher.stateDict();
    Map<String, Tensor> ss = student.stateDict();
    assertTrue(java.util.Arrays.equals(Ref.d(ts.get("transformer.h.3.attn.c_attn.weight")), Ref.d(ss.get("transformer.h.1.attn.c_attn.weight"))));
    assertTrue(java.util.Arrays.equals(Ref.d(ts.get("transformer.h.0.mlp.c_fc.weight")), Ref.d(ss.get("transformer.h.0.mlp.c_fc.weight"))));
    assertTrue(java.util.Arrays.equals(Ref.d(ts.get("transformer.wte.weight")), Ref.d(ss.get("transformer.wte.weight"))));
  }
}
