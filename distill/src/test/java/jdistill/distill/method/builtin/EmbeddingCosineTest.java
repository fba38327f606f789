package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.StepView;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class EmbeddingCosineTest {

  private final MethodSetup setup = Fakes.setup(Fakes.config(2, 8, 2), Fakes.config(1, 8, 2));
  private final Rng rng = new Rng(11);
  // B = 3, S = 4, H = 8; example 1 has two padding tokens, example 2 one
  private final Tensor student = Fakes.param(rng, 3, 4, 8);
  private final Tensor teacher = Fakes.randn(rng, 3, 4, 8).mul(1.5);
  private final long[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0};
  private final Batch batch = Fakes.batch(Fakes.longs(mask, 3, 4), null);

  private StepView step() {
    return Fakes.step(batch, Fakes.output(null, teacher, null), Fakes.output(null, student, null));
  }

  /** Pool by hand, then average 1 - cos and (weighted) MSE over the 3 examples. */
  private double[] reference(boolean mean) {
    double[] s = Ref.pool(Ref.d(student), mask, 3, 4, 8, mean);
    double[] t = Ref.pool(Ref.d(teacher), mask, 3, 4, 8, mean);
    double cos = 0;
    double mse = 0;
    for (int b = 0; b < 3; b++) {
      cos += Ref.cosDistRow(s, t, b * 8, 8);
      mse += Ref.mseRow(s, t, b * 8, 8);
    }
    return new double[] {cos / 3, mse / 3};
  }

  @Test
  void meanPooledCosineDistancePlusWeightedMse() {
    Method m = MethodRegistry.create("embedding", Map.of("mse_weight", 0.5), setup);
    Map<String, Tensor> l = m.losses(step());
    double[] ref = reference(true);
    assertTrue(ref[0] > 0.3, "unrelated random vectors are far apart: " + ref[0]);
    assertEquals(ref[0], l.get("cosine").item(), 1e-5);
    assertEquals(0.5 * ref[1], l.get("mse").item(), 1e-5);
    Tensor total = l.get("cosine").add(l.get("mse"));
    total.backward();
    assertNotNull(student.grad(), "the loss reaches the student");
  }

  @Test
  void clsPoolingUsesThePositionZeroStateAndNoMseByDefault() {
    Map<String, Tensor> l = MethodRegistry.create("embedding", Map.of("pooling", "cls"), setup).losses(step());
    assertEquals(1, l.size(), l.keySet().toString());
    assertEquals(reference(false)[0], l.get("cosine").item(), 1e-5);
  }

  @Test
  void paddingDoesNotMatterAndIdenticalEmbeddingsGiveZero() {
    // change only padded positions of the student: the mean-pooled loss is unchanged
    float[] v = student.toFloatArray();
    for (int i = 0; i < v.length; i++) if (mask[i / 8] == 0) v[i] = 100f;
    Tensor padded = Tensor.of(v, 3, 4, 8);
    Method m = MethodRegistry.create("embedding", Map.of("mse_weight", 1.0), setup);
    double before = Fakes.total(m.losses(step()));
    double after = Fakes.total(m.losses(Fakes.step(batch, Fakes.output(null, teacher, null), Fakes.output(null, padded, null))));
    assertEquals(before, after, 1e-5);
    double same = Fakes.total(m.losses(Fakes.step(batch, Fakes.output(null, teacher, null), Fakes.output(null, teacher.mul(1.0), null))));
    assertEquals(0.0, same, 1e-6);
  }

  @Test
  void rejectsBadOptionsAndMismatchedWidths() {
    assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create("embedding", Map.of("pooling", "max"), setup));
    assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create("embedding", Map.of("mse_weight", -1.0), setup));
    Method m = MethodRegistry.create("embedding", null, setup);
    StepView wide = Fakes.step(batch, Fakes.output(null, Fakes.randn(rng, 3, 4, 6), null), Fakes.output(null, student, null));
    var e = assertThrows(IllegalArgumentException.class, () -> m.losses(wide));
    assertTrue(e.getMessage().contains("one width"), e.getMessage());
  }
}
