package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.StepView;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.TapRecorder;
import org.junit.jupiter.api.Test;

class TheseusTest {

  private final Gpt2 teacher = new Gpt2(Fakes.config(4, 8, 2), new Rng(1));
  private final Gpt2 student = new Gpt2(Fakes.config(2, 8, 2), new Rng(2));
  private final MethodSetup setup = new MethodSetup(DistillModels.of(teacher), DistillModels.of(student), new Rng(3));

  private static final long[] LABELS = {3, 7, 1, -100, 4, 4, -100, -100};
  private final Batch batch = new Batch(Fakes.longs(new long[] {1, 5, 7, 2, 3, 9, 4, 0}, 2, 4), Fakes.longs(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4), null, Fakes.longs(LABELS, 2, 4));

  private Theseus create(Map<String, ?> options) {
    return (Theseus) Fakes.create("theseus", options, setup);
  }

  @Test
  void teacherLayersAreSplitIntoOneModulePerStudentLayer() {
    assertArrayEquals(new int[][] {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {10, 11}}, Theseus.modules(6, 12));
    assertArrayEquals(new int[][] {{0, 1}, {2}}, Theseus.modules(2, 3));
    assertArrayEquals(new int[][] {{0}, {1, 2}, {3}}, Theseus.modules(3, 4));
    assertArrayEquals(new int[][] {{0, 1}, {2, 3}}, create(null).modules());
    assertThrows(IllegalArgumentException.class, () -> Theseus.modules(4, 3));
  }

  @Test
  void replacingRateRisesLinearlyToOneBy66PercentAndIsDrawnPerModule() {
    Theseus t = create(null);
    assertEquals(0.3, t.replacingRate(0, 100), 1e-12);
    assertEquals(0.3 + 0.7 * 33 / 66.0, t.replacingRate(33, 100), 1e-12);
    assertEquals(1.0, t.replacingRate(66, 100), 1e-12);
    assertEquals(1.0, t.replacingRate(99, 100), 1e-12);
    assertFalse(t.needsTeacher());

    Theseus quarter = create(Map.of("replacing_rate", 0.25));
    Rng rng = new Rng(4);
    int replaced = 0;
    int draws = 0;
    for (int step = 0; step < 2000; step++) {
      quarter.beginStep(step, 2000, rng);
      for (boolean r : quarter.replaced()) {
        draws++;
        if (r) replaced++;
      }
    }
    assertEquals(0.25, (double) replaced / draws, 0.02);
    Theseus never = create(Map.of("replacing_rate", 0));
    never.beginStep(0, 10, rng);
    assertArrayEquals(new boolean[] {false, false}, never.replaced());
    Theseus bad = create(Map.of("replacing_rate", Map.of("kind", "linear", "from", 0.5, "to", 1.5)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.beginStep(9, 10, rng));
    assertTrue(e.getMessage().contains("outside [0, 1]"), e.getMessage());
  }

  @Test
  void hybridLossEqualsTheHardLossOfTheAssembledModelAndOnlyReachesTheStudent() {
    Theseus t = create(null);
    // module 0 stays the teacher's layers 0 and 1, module 1 is replaced by student layer 1
    t.replaceExactly(new boolean[] {false, true}, 0);
    Tensor loss = t.losses(new StepView(batch, null, null, 0, 10)).get("hard");

    Gpt2 assembled = new Gpt2(Fakes.config(3, 8, 2), new Rng(5));
    Map<String, Tensor> state = new LinkedHashMap<>();
    Map<String, Tensor> ts = teacher.stateDict();
    Map<String, Tensor> ss = student.stateDict();
    for (String name : assembled.stateDict().keySet()) {
      if (name.startsWith("transformer.h.0.") || name.startsWith("transformer.h.1.")) state.put(name, ts.get(name));
      else if (name.startsWith("transformer.h.2.")) state.put(name, ss.get(name.replace("transformer.h.2.", "transformer.h.1.")));
      else state.put(name, ss.get(name));
    }
    double[] logits;
    try (var g = GradMode.noGrad()) {
      assembled.loadStateDict(state, true);
      logits = Ref.d(assembled.forward(batch.inputIds(), batch.attentionMask(), null, null, TapRecorder.none()));
    }
    double sum = 0;
    int n = 0;
    for (int i = 0; i < LABELS.length; i++) {
      if (LABELS[i] == -100) continue;
      sum += Ref.ceRow(logits, i * 50, 50, (int) LABELS[i]);
      n++;
    }
    assertEquals(sum / n, loss.item(), 1e-5);

    loss.backward();
    for (Parameter p : teacher.parameters()) assertNull(p.grad(), "teacher parameter " + p.name() + " got a gradient");
    for (var e : student.namedParameters().entrySet()) {
      if (e.getKey().startsWith("transformer.h.0.")) assertNull(e.getValue().grad(), e.getKey() + " is not in the hybrid");
      else assertNotNull(e.getValue().grad(), e.getKey() + " is in the hybrid");
    }
  }

  @Test
  void whenEveryModuleIsReplacedTheTrainersStudentForwardIsTheHybrid() {
    Theseus t = create(null);
    t.replaceExactly(new boolean[] {true, true}, 3);
    Tensor given = Fakes.param(new Rng(6), 2, 4, 50);
    Tensor loss = t.losses(new StepView(batch, null, Fakes.output(given, null, null), 3, 10)).get("hard");
    double[] z = Ref.d(given);
    double sum = 0;
    int n = 0;
    for (int i = 0; i < LABELS.length; i++) {
      if (LABELS[i] == -100) continue;
      sum += Ref.ceRow(z, i * 50, 50, (int) LABELS[i]);
      n++;
    }
    assertEquals(sum / n, loss.item(), 1e-5);
    loss.backward();
    assertNotNull(given.grad());
  }

  @Test
  void teacherAndStudentMustShareOneWidth() {
    MethodSetup narrow = Fakes.setup(Fakes.config(4, 16, 2), Fakes.config(2, 8, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fakes.create("theseus", null, narrow));
    assertTrue(e.getMessage().contains("one width") && e.getMessage().contains("16"), e.getMessage());
  }
}
