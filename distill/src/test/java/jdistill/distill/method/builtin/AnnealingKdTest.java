package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.StepView;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class AnnealingKdTest {

  private final MethodSetup setup = Fakes.setup(Fakes.config(2, 8, 2), Fakes.config(1, 8, 2));

  @Test
  void phiRisesFromOneOverTmaxToOne() {
    assertEquals(7, AnnealingKd.temperature(0.0, 7));
    assertEquals(1.0 / 7, AnnealingKd.phi(0.0, 7), 1e-12);
    assertEquals(2.0 / 7, AnnealingKd.phi(1.0 / 7, 7), 1e-12);
    assertEquals(1.0, AnnealingKd.phi(0.99, 7), 1e-12);
    assertEquals(1.0, AnnealingKd.phi(1.0, 7), 1e-12);
    double previous = 0;
    for (int i = 0; i <= 100; i++) {
      double p = AnnealingKd.phi(i / 100.0, 7);
      assertTrue(p >= previous);
      previous = p;
    }
  }

  @Test
  void annealStageIsMseToScaledTeacherLogitsOverCountedPositions() {
    Rng rng = new Rng(31);
    Tensor s = Fakes.param(rng, 2, 2, 3);
    Tensor t = Fakes.randn(rng, 2, 2, 3);
    long[] mask = {1, 1, 1, 0};
    long[] labels = {1, -100, 2, -100};
    Batch batch = Fakes.batch(Fakes.longs(mask, 2, 2), Fakes.longs(labels, 2, 2));
    Method m = Fakes.create("annealing_kd", null, setup);
    assertTrue(m.needsTeacher());
    // step 30 of 70 with T_max 7: phase 3, T = 4, phi = 1 - 3/7
    StepView view = new StepView(batch, Fakes.output(t, null, null), Fakes.output(s, null, null), 30, 70);
    double phi = 1 - 3.0 / 7;
    double[] sd = Ref.d(s);
    double[] td = Ref.d(t);
    double sum = 0;
    for (int r : new int[] {0, 2}) {
      for (int v = 0; v < 3; v++) sum += Math.pow(sd[r * 3 + v] - phi * td[r * 3 + v], 2) / 3;
    }
    Map<String, Tensor> losses = m.losses(view);
    assertEquals(sum / 2, losses.get("anneal").item(), 1e-5);
  }

  @Test
  void finetuneStageIsTheHardLossWithoutTeacher() {
    Method m = Fakes.create("annealing_kd", Map.of("stage", "finetune"), setup);
    assertFalse(m.needsTeacher());
    Tensor s = Fakes.param(new Rng(37), 2, 3);
    Batch batch = Fakes.batch(Fakes.longs(new long[] {1, 1}, 2, 1), Fakes.longs(new long[] {0, 2}, 2));
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, null, Fakes.output(s, null, null)));
    double[] sd = Ref.d(s);
    assertEquals((Ref.ceRow(sd, 0, 3, 0) + Ref.ceRow(sd, 3, 3, 2)) / 2, losses.get("hard").item(), 1e-5);
  }
}
