package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdistill.distill.core.Batch;
import jdistill.distill.core.TapRequest;
import jdistill.distill.mapping.LayerMap;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import org.junit.jupiter.api.Test;

class RailKdTest {

  // teacher 6 layers of width 4, student 3 layers of width 6: student layers 0, 1 learn from two of teacher layers 0..4
  private final MethodSetup setup = Fakes.setup(Fakes.config(6, 4, 2), Fakes.config(3, 6, 2));
  private final Rng rng = new Rng(21);

  private RailKd create(Map<String, ?> options) {
    return (RailKd) Fakes.create("rail_kd", options, setup);
  }

  @Test
  void randomSortedLayersAreRedrawnEveryStepAndDriveTheTaps() {
    RailKd rail = create(null);
    Set<List<Integer>> seen = new HashSet<>();
    int[] used = new int[6];
    for (int step = 0; step < 200; step++) {
      rail.beginStep(step, 200, rng);
      LayerMap map = rail.currentMap();
      assertEquals(List.of(0, 1), map.mappedStudentLayers());
      int t0 = map.teacherOf(0);
      int t1 = map.teacherOf(1);
      assertTrue(0 <= t0 && t0 < t1 && t1 <= 4, map.toString());
      used[t0]++;
      used[t1]++;
      seen.add(List.of(t0, t1));
      assertEquals(Set.of(TapRequest.student(Tap.LAYER_OUTPUT, 0), TapRequest.student(Tap.LAYER_OUTPUT, 1), TapRequest.teacher(Tap.LAYER_OUTPUT, t0), TapRequest.teacher(Tap.LAYER_OUTPUT, t1)),
          new HashSet<>(rail.taps()));
    }
    // all 10 sorted pairs of 0..4 occur; the last teacher layer is left to the soft loss
    assertEquals(10, seen.size());
    for (int t = 0; t < 5; t++) assertTrue(used[t] > 40, "teacher layer " + t + " drawn " + used[t] + " times of 400");
    assertEquals(0, used[5]);
  }

  @Test
  void redrawEveryNStepsOrEveryEpoch() {
    RailKd rail = create(Map.of("layer_map", Map.of("strategy", "random", "every", "steps", "steps", 5)));
    int changes = 0;
    LayerMap previous = rail.currentMap();
    for (int step = 0; step < 100; step++) {
      rail.beginStep(step, 100, rng);
      if (step % 5 != 0) assertEquals(previous, rail.currentMap(), "map changed inside a 5-step period at step " + step);
      else if (!rail.currentMap().equals(previous)) changes++;
      previous = rail.currentMap();
    }
    assertTrue(changes > 5, "only " + changes + " re-draws");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(Map.of("layer_map", Map.of("strategy", "random", "every", "epoch"))));
    assertTrue(e.getMessage().contains("steps_per_epoch") && e.getMessage().contains("layer_map"), e.getMessage());
    assertEquals(2, create(Map.of("layer_map", Map.of("strategy", "random", "every", "epoch"), "steps_per_epoch", 4)).currentMap().pairs().size());
  }

  @Test
  void concatVariantAgainstReference() {
    RailKd rail = create(Map.of("projection_dim", 3));
    rail.beginStep(0, 10, rng);
    int t0 = rail.currentMap().teacherOf(0);
    int t1 = rail.currentMap().teacherOf(1);
    Tensor s0 = Fakes.param(rng, 2, 3, 6);
    Tensor s1 = Fakes.param(rng, 2, 3, 6);
    Tensor h0 = Fakes.randn(rng, 2, 3, 4);
    Tensor h1 = Fakes.randn(rng, 2, 3, 4);
    Tensor sl = Fakes.param(rng, 2, 3);
    Tensor tl = Fakes.randn(rng, 2, 3).mul(3.0);
    long[] mask = {1, 1, 0, 1, 1, 1};
    Batch batch = Fakes.batch(Fakes.longs(mask, 2, 3), Fakes.longs(new long[] {2, 0}, 2));
    TapRecorder teacherTaps = Fakes.taps(Tap.LAYER_OUTPUT, t0, h0, Tap.LAYER_OUTPUT, t1, h1);
    Map<String, Tensor> losses = rail.losses(Fakes.step(batch, Fakes.output(tl, null, teacherTaps), Fakes.output(sl, null, Fakes.taps(Tap.LAYER_OUTPUT, 0, s0, Tap.LAYER_OUTPUT, 1, s1))));
    assertEquals(List.of("hard", "soft", "rail"), List.copyOf(losses.keySet()));

    double[] s = Ref.d(sl);
    double[] t = Ref.d(tl);
    double hard = (Ref.ceRow(s, 0, 3, 2) + Ref.ceRow(s, 3, 3, 0)) / 2;
    double soft = (Ref.klRow(s, t, 0, 3, 10, null) + Ref.klRow(s, t, 3, 3, 10, null)) / 2;
    double[] cs = Ref.concatRows(Ref.pool(Ref.d(s0), mask, 2, 3, 6, true), 6, Ref.pool(Ref.d(s1), mask, 2, 3, 6, true), 6, 2);
    double[] ct = Ref.concatRows(Ref.pool(Ref.d(h0), mask, 2, 3, 4, true), 4, Ref.pool(Ref.d(h1), mask, 2, 3, 4, true), 4, 2);
    var params = rail.extras().namedParameters();
    double[] ps = Ref.normalizeRows(Ref.linear(cs, 2, 12, Ref.d(params.get("rail_student_proj.weight").tensor()), Ref.d(params.get("rail_student_proj.bias").tensor()), 3), 2, 3);
    double[] pt = Ref.normalizeRows(Ref.linear(ct, 2, 8, Ref.d(params.get("rail_teacher_proj.weight").tensor()), Ref.d(params.get("rail_teacher_proj.bias").tensor()), 3), 2, 3);
    double squared = 3 * (Ref.mseRow(ps, pt, 0, 3) + Ref.mseRow(ps, pt, 3, 3)) / 2;
    assertEquals(hard / 3, losses.get("hard").item(), 1e-5);
    assertEquals(soft / 3, losses.get("soft").item(), 1e-4);
    assertEquals(squared / 3, losses.get("rail").item(), 1e-5);

    losses.get("rail").backward();
    assertNotNull(s0.grad());
    assertNotNull(s1.grad());
    assertNotNull(params.get("rail_student_proj.weight").grad());
    assertNotNull(params.get("rail_teacher_proj.weight").grad());
  }

  @Test
  void layerwiseVariantWithClsVectorsAndCosineDistance() {
    RailKd rail = create(Map.of("variant", "layerwise", "pool", "cls", "distance", "cosine", "projection_dim", 5, "weight_hard", 0, "weight_soft", 0, "weight_rail", 2.0));
    rail.beginStep(0, 10, rng);
    int t0 = rail.currentMap().teacherOf(0);
    int t1 = rail.currentMap().teacherOf(1);
    Tensor s0 = Fakes.param(rng, 2, 3, 6);
    Tensor s1 = Fakes.param(rng, 2, 3, 6);
    Tensor h0 = Fakes.randn(rng, 2, 3, 4);
    Tensor h1 = Fakes.randn(rng, 2, 3, 4);
    long[] mask = {1, 1, 0, 1, 1, 1};
    Batch batch = Fakes.batch(Fakes.longs(mask, 2, 3), null);
    Map<String, Tensor> losses = rail.losses(Fakes.step(batch, Fakes.output(null, null, Fakes.taps(Tap.LAYER_OUTPUT, t0, h0, Tap.LAYER_OUTPUT, t1, h1)),
        Fakes.output(null, null, Fakes.taps(Tap.LAYER_OUTPUT, 0, s0, Tap.LAYER_OUTPUT, 1, s1))));
    assertEquals(List.of("rail"), List.copyOf(losses.keySet()));

    var params = rail.extras().namedParameters();
    Tensor[] ss = {s0, s1};
    Tensor[] ts = {h0, h1};
    double sum = 0;
    for (int j = 0; j < 2; j++) {
      double[] ps = Ref.linear(Ref.pool(Ref.d(ss[j]), mask, 2, 3, 6, false), 2, 6, Ref.d(params.get("rail_student_proj_" + j + ".weight").tensor()),
          Ref.d(params.get("rail_student_proj_" + j + ".bias").tensor()), 5);
      double[] pt = Ref.linear(Ref.pool(Ref.d(ts[j]), mask, 2, 3, 4, false), 2, 4, Ref.d(params.get("rail_teacher_proj_" + j + ".weight").tensor()),
          Ref.d(params.get("rail_teacher_proj_" + j + ".bias").tensor()), 5);
      sum += (Ref.cosDistRow(ps, pt, 0, 5) + Ref.cosDistRow(ps, pt, 5, 5)) / 2;
    }
    assertEquals(2.0 * sum / 2, losses.get("rail").item(), 1e-5);
  }

  @Test
  void withoutTheLayerTermNoTapsAreRecorded() {
    assertTrue(create(Map.of("weight_rail", 0)).taps().isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(Map.of("variant", "sum")));
    assertTrue(e.getMessage().contains("[concat, layerwise]"), e.getMessage());
  }
}
