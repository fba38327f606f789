package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.student.Students;
import org.junit.jupiter.api.Test;

/**
 * Short seeded runs of BERT-of-Theseus, RAIL-KD and MixKD on the shared tiny teachers: the loss
 * must fall and the student's held-out argmax agreement with the teacher must rise.
 */
class AugmentationTrainingTest {

  private static void assertLearns(String what, Harness.Run run, double minRise) {
    System.out.println(what + ": " + run);
    assertTrue(run.lastMean(5) < run.firstMean(5), what + ": loss did not fall: " + run);
    assertTrue(run.agreementAfter() > run.agreementBefore() + minRise, what + ": agreement did not rise by " + minRise + ": " + run);
  }

  private static Map<String, Map<String, Object>> method(String name, Map<String, Object> options) {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    m.put(name, options);
    return m;
  }

  /** A fresh student of the teacher's width whose embeddings and head are the teacher's (its blocks random). */
  private static Module freshBlocksTeacherRest(Module teacher, int layers, long seed) {
    var c = jdistill.models.checkpoint.HfCheckpoint.spec(teacher).config();
    Module student = Students.fresh(teacher, layers, c.hidden(), c.heads(), c.intermediate(), new Rng(seed));
    Map<String, Tensor> teacherState = teacher.stateDict();
    Map<String, Tensor> shared = new LinkedHashMap<>();
    for (String name : student.stateDict().keySet()) {
      if (!name.contains("transformer.h.") && !name.contains("encoder.layer.")) shared.put(name, teacherState.get(name));
    }
    try (var g = GradMode.noGrad()) {
      student.loadStateDict(shared, false);
    }
    return student;
  }

  @Test
  void theseusOnGpt2() {
    // fresh student blocks between the teacher's embeddings and head: while p < 1 the hybrid runs
    // mostly the teacher's trained blocks, so its loss starts low and rises as the successors take
    // over; from 66% of the run (p = 1) it is the student alone, whose loss then falls
    Gpt2 t = Teachers.gpt();
    DistillModel student = DistillModels.of((Gpt2) freshBlocksTeacherRest(t, 2, 51));
    Harness.Run run = Harness.distill(Tasks.PROGRESSIONS, DistillModels.of(t), student, method("theseus", Map.of()), 40, 3e-3, 52);
    int successorOnly = (int) Math.ceil(0.66 * 40);
    assertLearns("theseus (successor phase)", new Harness.Run(run.losses().subList(successorOnly, 40), run.agreementBefore(), run.agreementAfter()), 0.05);
  }

  @Test
  void railKdBothVariantsOnBertClassifier() {
    BertForSequenceClassification t = Teachers.classifier();
    DistillModel teacher = DistillModels.of(t);
    DistillModel concat = DistillModels.of((BertForSequenceClassification) Students.fresh(t, 2, 32, 4, 64, new Rng(61)));
    assertLearns("rail_kd concat", Harness.distill(Tasks.CONTAINS_ONE, teacher, concat, method("rail_kd", Map.of()), 30, 3e-3, 62), 0.05);
    DistillModel layerwise = DistillModels.of((BertForSequenceClassification) Students.fresh(t, 2, 16, 4, 32, new Rng(61)));
    assertLearns("rail_kd layerwise", Harness.distill(Tasks.CONTAINS_ONE, teacher, layerwise, method("rail_kd", Map.of("variant", "layerwise", "pool", "cls")), 30, 3e-3, 63), 0.05);
  }

  @Test
  void mixKdAroundKdOnBertClassifierAndGpt2() {
    BertForSequenceClassification t = Teachers.classifier();
    DistillModel student = DistillModels.of((BertForSequenceClassification) Students.fresh(t, 1, 32, 4, 64, new Rng(71)));
    assertLearns("mixkd(kd) bert", Harness.distill(Tasks.CONTAINS_ONE, DistillModels.of(t), student, method("mixkd", Map.of()), 30, 3e-3, 72), 0.05);
    Gpt2 g = Teachers.gpt();
    DistillModel gs = DistillModels.of(new Gpt2(Teachers.GPT_TEACHER.withSize(2, 16, 4, 32), new Rng(73)));
    assertLearns("mixkd(kd T=2) gpt2", Harness.distill(Tasks.PROGRESSIONS, DistillModels.of(g), gs, method("mixkd", Map.of("base_options", Map.of("temperature", 2.0))), 30, 1e-2, 74), 0.05);
  }
}
