package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.StepView;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class HintonKdTest {

  private final MethodSetup setup = Fakes.setup(Fakes.config(2, 8, 2), Fakes.config(1, 8, 2));
  private final Rng rng = new Rng(5);
  // B = 2, S = 3, V = 4; the last token of example 1 is padding, position (0, 1) is labelled -100
  private final Tensor student = Fakes.param(rng, 2, 3, 4);
  private final Tensor teacher = Fakes.randn(rng, 2, 3, 4).mul(2.0);
  private final long[] mask = {1, 1, 1, 1, 1, 0};
  private final long[] labels = {2, -100, 1, 3, 0, -100};
  private final Batch batch = Fakes.batch(Fakes.longs(mask, 2, 3), Fakes.longs(labels, 2, 3));

  private StepView step() {
    return Fakes.step(batch, Fakes.output(teacher, null, null), Fakes.output(student, null, null));
  }

  private double refSoft(double temperature, boolean byLabels, String kind) {
    double[] s = Ref.d(student);
    double[] t = Ref.d(teacher);
    double sum = 0;
    int n = 0;
    for (int r = 0; r < 6; r++) {
      if (mask[r] == 0 || byLabels && labels[r] == -100) continue;
      sum += switch (kind) {
        case "kl" -> Ref.klRow(s, t, r * 4, 4, temperature, null);
        case "soft_ce" -> Ref.softCeRow(s, t, r * 4, 4, temperature);
        default -> Ref.mseRow(s, t, r * 4, 4);
      };
      n++;
    }
    return sum / n;
  }

  private double refHard() {
    double[] s = Ref.d(student);
    double sum = 0;
    int n = 0;
    for (int r = 0; r < 6; r++) {
      if (labels[r] == -100) continue;
      sum += Ref.ceRow(s, r * 4, 4, (int) labels[r]);
      n++;
    }
    return sum / n;
  }

  @Test
  void defaultsMixHalfSoftKlAtT4WithHalfHardLoss() {
    MethodInfo info = MethodRegistry.get("kd").info();
    assertEquals(4.0, option(info, "temperature").defaultValue());
    assertEquals(0.5, option(info, "alpha").defaultValue());
    Method kd = Fakes.create("kd", null, setup);
    assertTrue(kd.taps().isEmpty());
    assertTrue(kd.needsTeacher());
    Map<String, Tensor> losses = kd.losses(step());
    assertEquals(0.5 * refSoft(4.0, true, "kl"), losses.get("soft").item(), 1e-5);
    assertEquals(0.5 * refHard(), losses.get("hard").item(), 1e-5);
    losses.get("soft").add(losses.get("hard")).backward();
    assertNotNull(student.grad());
  }

  @Test
  void variantsAndPositionChoice() {
    Map<String, Tensor> soft = Fakes.create("kd", Map.of("loss", "soft_ce", "temperature", 2.0, "alpha", 0.25), setup).losses(step());
    assertEquals(0.25 * refSoft(2.0, true, "soft_ce"), soft.get("soft").item(), 1e-5);
    assertEquals(0.75 * refHard(), soft.get("hard").item(), 1e-5);
    Map<String, Tensor> mse = Fakes.create("kd", Map.of("loss", "logit_mse", "alpha", 1.0), setup).losses(step());
    assertEquals(refSoft(1.0, true, "mse"), mse.get("soft").item(), 1e-5);
    assertFalse(mse.containsKey("hard"));
    // every non-padding position, including the one labelled -100
    Map<String, Tensor> all = Fakes.create("kd", Map.of("alpha", 1.0, "label_positions_only", false, "temperature", 3), setup).losses(step());
    assertEquals(refSoft(3.0, false, "kl"), all.get("soft").item(), 1e-5);
  }

  @Test
  void alphaOneNeedsNoLabelsAndClassificationRowsAllCount() {
    Tensor s = Fakes.param(rng, 3, 5);
    Tensor t = Fakes.randn(rng, 3, 5);
    Batch unlabeled = Fakes.batch(Fakes.longs(new long[] {1, 1, 0, 1, 1, 0}, 3, 2), null);
    double got = Fakes.create("kd", Map.of("alpha", 1.0), setup).losses(Fakes.step(unlabeled, Fakes.output(t, null, null), Fakes.output(s, null, null))).get("soft").item();
    double[] sd = Ref.d(s);
    double[] td = Ref.d(t);
    double expected = 0;
    for (int r = 0; r < 3; r++) expected += Ref.klRow(sd, td, r * 5, 5, 4.0, null) / 3;
    assertEquals(expected, got, 1e-5);
  }

  @Test
  void regressionHeadGetsLogitMse() {
    Tensor s = Tensor.of(new float[] {1f, 2f}, 2, 1);
    Tensor t = Tensor.of(new float[] {0f, 4f}, 2, 1);
    Batch reg = Fakes.batch(Fakes.longs(new long[] {1, 1}, 2, 1), Tensor.of(new float[] {1f, 1f}, 2));
    Map<String, Tensor> losses = Fakes.create("kd", null, setup).losses(Fakes.step(reg, Fakes.output(t, null, null), Fakes.output(s, null, null)));
    assertEquals(0.5 * (1 + 4) / 2.0, losses.get("soft").item(), 1e-6);
    assertEquals(0.5 * (0 + 1) / 2.0, losses.get("hard").item(), 1e-6);
  }

  @Test
  void badOptionsAreExplained() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Fakes.create("kd", Map.of("temp", 2), setup));
    assertTrue(unknown.getMessage().contains("valid options: temperature, alpha, loss, label_positions_only"), unknown.getMessage());
    IllegalArgumentException loss = assertThrows(IllegalArgumentException.class, () -> Fakes.create("kd", Map.of("loss", "jsd"), setup));
    assertTrue(loss.getMessage().contains("kl, soft_ce, logit_mse"), loss.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fakes.create("kd", Map.of("temperature", 0), setup));
    assertThrows(IllegalArgumentException.class, () -> Fakes.create("kd", Map.of("alpha", 1.5), setup));
  }

  static OptionSpec option(MethodInfo info, String name) {
    for (OptionSpec o : info.options()) if (o.name().equals(name)) return o;
    throw new AssertionError("no option " + name + " in " + info.name());
  }
}
