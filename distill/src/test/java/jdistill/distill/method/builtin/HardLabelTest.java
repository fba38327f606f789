package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class HardLabelTest {

  private final MethodSetup setup = Fakes.setup(Fakes.config(2, 8, 2), Fakes.config(1, 8, 2));

  @Test
  void tokenCrossEntropySkipsIgnoredLabels() {
    Rng rng = new Rng(1);
    Tensor logits = Fakes.param(rng, 2, 3, 5);
    long[] labels = {1, -100, 4, 0, 2, -100};
    Batch batch = Fakes.batch(Fakes.longs(new long[] {1, 1, 1, 1, 1, 0}, 2, 3), Fakes.longs(labels, 2, 3));
    Method m = Fakes.create("hard", null, setup);
    assertFalse(m.needsTeacher());
    assertTrue(m.taps().isEmpty());
    Map<String, Tensor> losses = m.losses(Fakes.step(batch, null, Fakes.output(logits, null, null)));
    double[] x = Ref.d(logits);
    double sum = 0;
    int n = 0;
    for (int r = 0; r < 6; r++) {
      if (labels[r] == -100) continue;
      sum += Ref.ceRow(x, r * 5, 5, (int) labels[r]);
      n++;
    }
    assertEquals(sum / n, losses.get("hard").item(), 1e-5);
    losses.get("hard").backward();
    assertNotNull(logits.grad());
  }

  @Test
  void classificationCrossEntropyAndRegressionMse() {
    Rng rng = new Rng(2);
    Tensor logits = Fakes.param(rng, 3, 4);
    Batch batch = Fakes.batch(Fakes.longs(new long[] {1, 1, 1, 1, 1, 1}, 3, 2), Fakes.longs(new long[] {3, 0, 2}, 3));
    double got = Fakes.create("hard", null, setup).losses(Fakes.step(batch, null, Fakes.output(logits, null, null))).get("hard").item();
    double[] x = Ref.d(logits);
    assertEquals((Ref.ceRow(x, 0, 4, 3) + Ref.ceRow(x, 4, 4, 0) + Ref.ceRow(x, 8, 4, 2)) / 3, got, 1e-5);

    Tensor pred = Tensor.of(new float[] {0.5f, -1f, 2f}, 3, 1);
    Batch reg = Fakes.batch(Fakes.longs(new long[] {1, 1, 1}, 3, 1), Tensor.of(new float[] {1f, 1f, 1f}, 3));
    double mse = Fakes.create("hard", null, setup).losses(Fakes.step(reg, null, Fakes.output(pred, null, null))).get("hard").item();
    assertEquals((0.25 + 4 + 1) / 3, mse, 1e-6);
  }

  @Test
  void labelSmoothingIsPassedOn() {
    Tensor logits = Tensor.of(new float[] {2f, 0f, -1f}, 1, 3);
    Batch batch = Fakes.batch(Fakes.longs(new long[] {1}, 1, 1), Fakes.longs(new long[] {0}, 1));
    double got = Fakes.create("hard", Map.of("label_smoothing", 0.3), setup).losses(Fakes.step(batch, null, Fakes.output(logits, null, null))).get("hard").item();
    double[] p = Ref.softmax(new double[] {2, 0, -1}, 0, 3, 1.0, null);
    double expected = 0;
    for (int i = 0; i < 3; i++) expected -= ((i == 0 ? 0.7 : 0) + 0.3 / 3) * Math.log(p[i]);
    assertEquals(expected, got, 1e-5);
  }

  @Test
  void allIgnoredIsZeroAndMissingLabelsAreAnError() {
    Tensor logits = Fakes.param(new Rng(3), 1, 2, 3);
    Batch ignored = Fakes.batch(Fakes.longs(new long[] {1, 1}, 1, 2), Fakes.longs(new long[] {-100, -100}, 1, 2));
    Tensor zero = Fakes.create("hard", null, setup).losses(Fakes.step(ignored, null, Fakes.output(logits, null, null))).get("hard");
    assertEquals(0.0, zero.item());
    zero.backward();
    Batch none = Fakes.batch(Fakes.longs(new long[] {1, 1}, 1, 2), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fakes.create("hard", null, setup).losses(Fakes.step(none, null, Fakes.output(logits, null, null))));
    assertTrue(e.getMessage().contains("needs labels"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fakes.create("hard", Map.of("label_smoothing", 2), setup));
  }
}
