package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.engine.Rng;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.student.Students;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/**
 * Short seeded runs of each method family on tiny GPT-2 and BERT models: a teacher trained for a
 * few dozen steps on a synthetic task, then a fresh or truncated student trained with the method.
 * The loss must fall and the student's held-out argmax agreement with the teacher must rise.
 */
class MethodTrainingTest {

  private static final TransformerConfig GPT_TEACHER = Teachers.GPT_TEACHER;

  private static Gpt2 gptTeacher() {
    return Teachers.gpt();
  }

  private static BertForSequenceClassification classifierTeacher() {
    return Teachers.classifier();
  }

  private static BertForMaskedLm mlmTeacher() {
    return Teachers.mlm();
  }

  private static DistillModel freshGpt(int hidden, long seed) {
    return DistillModels.of(new Gpt2(GPT_TEACHER.withSize(2, hidden, 4, 2 * hidden), new Rng(seed)));
  }

  private static void assertLearns(String what, Harness.Run run) {
    assertLearns(what, run, 0.05);
  }

  private static void assertLearns(String what, Harness.Run run, double minRise) {
    System.out.println(what + ": " + run);
    assertTrue(run.lastMean(5) < run.firstMean(5), what + ": loss did not fall: " + run);
    assertTrue(run.agreementAfter() > run.agreementBefore() + minRise, what + ": agreement did not rise by " + minRise + ": " + run);
  }

  private static Map<String, Map<String, Object>> methods(Object... nameAndOptions) {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndOptions.length; i += 2) {
      @SuppressWarnings("unchecked")
      Map<String, Object> o = (Map<String, Object>) nameAndOptions[i + 1];
      m.put((String) nameAndOptions[i], o);
    }
    return m;
  }

  @Test
  void kdAndAnnealingKdOnGpt2() {
    DistillModel teacher = DistillModels.of(gptTeacher());
    assertLearns("kd", Harness.distill(Tasks.PROGRESSIONS, teacher, freshGpt(16, 7), methods("kd", Map.of("temperature", 2.0)), 30, 1e-2, 11));
    assertLearns("kd(alpha 1) + hard", Harness.distill(Tasks.PROGRESSIONS, teacher, freshGpt(16, 7), methods("kd", Map.of("alpha", 1.0), "hard", Map.of("weight", 0.5)), 30, 1e-2, 12));
    // the target phi * z_t grows from phase to phase, so the loss falls within a phase (the last: phi = 1)
    Harness.Run anneal = Harness.distill(Tasks.PROGRESSIONS, teacher, freshGpt(16, 7), methods("annealing_kd", Map.of("max_temperature", 3)), 30, 1e-2, 13);
    assertLearns("annealing_kd", new Harness.Run(anneal.losses().subList(20, 30), anneal.agreementBefore(), anneal.agreementAfter()));
  }

  @Test
  void minilmFamilyOnGpt2() {
    // relation losses do not target the logits: on a student cut from the teacher's layers 0 and 2
    // they pull its last layer toward the teacher's, and agreement rises, by less than a logit loss
    Gpt2 t = gptTeacher();
    DistillModel teacher = DistillModels.of(t);
    assertLearns("minilm", Harness.distill(Tasks.PROGRESSIONS, teacher, DistillModels.of((Gpt2) Students.fromTeacher(t, List.of(0, 2))), methods("minilm", Map.of()), 30, 3e-3, 21), 0.02);
    assertLearns("minilmv2", Harness.distill(Tasks.PROGRESSIONS, teacher, DistillModels.of((Gpt2) Students.fromTeacher(t, List.of(0, 2))), methods("minilmv2", Map.of("relation_heads", 8)), 30, 3e-3, 22),
        0.02);
  }

  @Test
  void pkdAndTinyBertOnBertClassifier() {
    BertForSequenceClassification t = classifierTeacher();
    DistillModel teacher = DistillModels.of(t);
    // PKD on a fresh student of the teacher's width (a truncated one already agrees fully on this task)
    DistillModel student = DistillModels.of((BertForSequenceClassification) Students.fresh(t, 2, 32, 4, 64, new Rng(30)));
    assertLearns("pkd", Harness.distill(Tasks.CONTAINS_ONE, teacher, student, methods("pkd", Map.of()), 30, 3e-3, 31));
    // TinyBERT: a narrower fresh student, both stages
    DistillModel fresh = DistillModels.of((BertForSequenceClassification) Students.fresh(t, 2, 16, 4, 32, new Rng(32)));
    Harness.Run intermediate = Harness.distill(Tasks.CONTAINS_ONE, teacher, fresh, methods("tinybert", Map.of()), 20, 3e-3, 33);
    System.out.println("tinybert intermediate: " + intermediate);
    assertTrue(intermediate.lastMean(5) < intermediate.firstMean(5), "tinybert intermediate loss did not fall: " + intermediate);
    Harness.Run prediction = Harness.distill(Tasks.CONTAINS_ONE, teacher, fresh, methods("tinybert", Map.of("stage", "prediction")), 30, 3e-3, 34);
    assertLearns("tinybert prediction", new Harness.Run(prediction.losses(), intermediate.agreementBefore(), prediction.agreementAfter()));
  }

  @Test
  void distilBertOnBertMaskedLm() {
    BertForMaskedLm t = mlmTeacher();
    DistillModel student = DistillModels.of((BertForMaskedLm) DistilBert.initStudent(t, 1));
    assertLearns("distilbert", Harness.distill(Tasks.MASKED_PROGRESSIONS, DistillModels.of(t), student, methods("distilbert", Map.of()), 30, 3e-3, 41));
  }
}
