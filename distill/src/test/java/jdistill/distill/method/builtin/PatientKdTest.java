package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import jdistill.distill.core.Batch;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.transformer.Tap;
import org.junit.jupiter.api.Test;

class PatientKdTest {

  private final Rng rng = new Rng(9);

  @Test
  void skipMapTapsAndFullLossAgainstReference() {
    MethodSetup setup = Fakes.setup(Fakes.config(6, 4, 2), Fakes.config(3, 4, 2));
    Method pkd = Fakes.create("pkd", null, setup);
    assertArrayEquals(new int[] {1, 3}, ((PatientKd) pkd).teacherLayers());
    assertEquals(Set.of(TapRequest.student(Tap.LAYER_OUTPUT, 0), TapRequest.student(Tap.LAYER_OUTPUT, 1), TapRequest.teacher(Tap.LAYER_OUTPUT, 1), TapRequest.teacher(Tap.LAYER_OUTPUT, 3)),
        new HashSet<>(pkd.taps()));
    assertNull(pkd.extras());

    Tensor s0 = Fakes.param(rng, 2, 3, 4);
    Tensor s1 = Fakes.param(rng, 2, 3, 4);
    Tensor t1 = Fakes.randn(rng, 2, 3, 4);
    Tensor t3 = Fakes.randn(rng, 2, 3, 4);
    Tensor sl = Fakes.param(rng, 2, 3);
    Tensor tl = Fakes.randn(rng, 2, 3).mul(3.0);
    long[] labels = {2, 0};
    Batch batch = Fakes.batch(Fakes.longs(new long[] {1, 1, 1, 1, 1, 0}, 2, 3), Fakes.longs(labels, 2));
    Map<String, Tensor> losses = pkd.losses(Fakes.step(batch, Fakes.output(tl, null, Fakes.taps(Tap.LAYER_OUTPUT, 1, t1, Tap.LAYER_OUTPUT, 3, t3)),
        Fakes.output(sl, null, Fakes.taps(Tap.LAYER_OUTPUT, 0, s0, Tap.LAYER_OUTPUT, 1, s1))));

    double[] s = Ref.d(sl);
    double[] t = Ref.d(tl);
    double hard = (Ref.ceRow(s, 0, 3, 2) + Ref.ceRow(s, 3, 3, 0)) / 2;
    double soft = (Ref.klRow(s, t, 0, 3, 10, null) + Ref.klRow(s, t, 3, 3, 10, null)) / 2;
    double patient = (clsMse(Ref.d(s0), Ref.d(t1)) + clsMse(Ref.d(s1), Ref.d(t3))) / 2;
    assertEquals(0.5 * hard, losses.get("hard").item(), 1e-5);
    assertEquals(0.5 * soft, losses.get("soft").item(), 1e-4);
    assertEquals(100 * patient, losses.get("patient").item(), 1e-4);
    losses.get("patient").backward();
    assertNotNull(s0.grad());
    assertNotNull(s1.grad());
  }

  /** Mean over examples and width of (norm(h_s[:, 0]) - norm(h_t[:, 0]))^2 for [2, 3, 4] states. */
  private static double clsMse(double[] hs, double[] ht) {
    double[] cs = new double[8];
    double[] ct = new double[8];
    for (int b = 0; b < 2; b++) {
      System.arraycopy(hs, b * 12, cs, b * 4, 4);
      System.arraycopy(ht, b * 12, ct, b * 4, 4);
    }
    double[] ns = Ref.normalizeRows(cs, 2, 4);
    double[] nt = Ref.normalizeRows(ct, 2, 4);
    return (Ref.mseRow(ns, nt, 0, 4) + Ref.mseRow(ns, nt, 4, 4)) / 2;
  }

  @Test
  void meanPoolingOverTokensWithAProjectionWhenWidthsDiffer() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 4, 2), Fakes.config(2, 6, 2));
    Method pkd = Fakes.create("pkd", Map.of("pool", "mean", "strategy", "last", "alpha", 1.0, "beta", 10.0), setup);
    assertArrayEquals(new int[] {2}, ((PatientKd) pkd).teacherLayers());
    assertNotNull(pkd.extras());
    Tensor hs = Fakes.param(rng, 2, 3, 6);
    Tensor ht = Fakes.randn(rng, 2, 3, 4);
    long[] mask = {1, 1, 0, 1, 1, 1};
    Batch batch = Fakes.batch(Fakes.longs(mask, 2, 3), null);
    Tensor logits = Fakes.randn(rng, 2, 3);
    Map<String, Tensor> losses = pkd.losses(Fakes.step(batch, Fakes.output(logits, null, Fakes.taps(Tap.LAYER_OUTPUT, 2, ht)),
        Fakes.output(logits.copy(), null, Fakes.taps(Tap.LAYER_OUTPUT, 0, hs))));
    assertEquals(List.of("soft", "patient"), List.copyOf(losses.keySet()));

    double[] w = Ref.d(pkd.extras().namedParameters().get("pkd_proj.weight").tensor());
    double[] bias = Ref.d(pkd.extras().namedParameters().get("pkd_proj.bias").tensor());
    double[] ps = Ref.linear(meanPool(Ref.d(hs), mask, 6), 2, 6, w, bias, 4);
    double[] pt = meanPool(Ref.d(ht), mask, 4);
    double[] ns = Ref.normalizeRows(ps, 2, 4);
    double[] nt = Ref.normalizeRows(pt, 2, 4);
    double expected = 10 * (Ref.mseRow(ns, nt, 0, 4) + Ref.mseRow(ns, nt, 4, 4)) / 2;
    assertEquals(expected, losses.get("patient").item(), 1e-4);
    losses.get("patient").backward();
    assertNotNull(pkd.extras().namedParameters().get("pkd_proj.weight").grad());
  }

  private static double[] meanPool(double[] h, long[] mask, int width) {
    double[] out = new double[2 * width];
    for (int b = 0; b < 2; b++) {
      int n = 0;
      for (int s = 0; s < 3; s++) {
        if (mask[b * 3 + s] == 0) continue;
        n++;
        for (int i = 0; i < width; i++) out[b * width + i] += h[(b * 3 + s) * width + i];
      }
      for (int i = 0; i < width; i++) out[b * width + i] /= n;
    }
    return out;
  }

  @Test
  void explicitTeacherLayers() {
    MethodSetup setup = Fakes.setup(Fakes.config(6, 4, 2), Fakes.config(3, 4, 2));
    assertArrayEquals(new int[] {0, 5}, ((PatientKd) Fakes.create("pkd", Map.of("teacher_layers", "0,5"), setup)).teacherLayers());
    assertArrayEquals(new int[] {2, 4}, ((PatientKd) Fakes.create("pkd", Map.of("teacher_layers", List.of(2, 4)), setup)).teacherLayers());
  }
}
