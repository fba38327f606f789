package jdistill.models.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class StudentsTest {

  static final TransformerConfig GPT = new TransformerConfig(20, 8, 0, 8, 6, 2, 16, 1e-5, Activation.GELU_TANH, 0, 0);
  static final TransformerConfig BERT = new TransformerConfig(20, 8, 2, 8, 4, 2, 16, 1e-12, Activation.GELU_ERF, 0, 0);

  static void same(Map<String, Tensor> t, String tn, Map<String, Tensor> s, String sn) {
    assertArrayEquals(t.get(tn).toFloatArray(), s.get(sn).toFloatArray(), sn + " vs teacher " + tn);
  }

  @Test
  void gpt2StudentCopiesChosenBlocks() {
    Gpt2 teacher = new Gpt2(GPT, new Rng(1));
    Module student = Students.fromTeacher(teacher, List.of(0, 2, 5));
    assertEquals(3, ((Gpt2) student).config().layers());
    Map<String, Tensor> t = teacher.stateDict();
    Map<String, Tensor> s = student.stateDict();
    int[] fromTeacher = {0, 2, 5};
    for (String n : s.keySet()) {
      String tn = n;
      for (int i = 0; i < 3; i++) {
        if (n.startsWith("transformer.h." + i + ".")) tn = "transformer.h." + fromTeacher[i] + n.substring(("transformer.h." + i).length());
      }
      same(t, tn, s, n);
    }
    // and the copy is independent of the teacher
    student.namedParameters().get("transformer.wte.weight").copyFrom(Tensor.zeros(20, 8));
    assertTrue(teacher.stateDict().get("transformer.wte.weight").abs().sum().item() > 0);
    Tensor ids = Tensor.ofLongs(new long[] {1, 2, 3}, 1, 3);
    assertArrayEquals(new int[] {1, 3, 20}, ((Gpt2) student).forward(ids).shape());
  }

  @Test
  void bertHeadStudentCopiesPoolerAndClassifier() {
    BertForSequenceClassification teacher = new BertForSequenceClassification(BERT, 3, new Rng(2));
    Module student = Students.fromTeacher(teacher, List.of(3, 1));
    Map<String, Tensor> t = teacher.stateDict();
    Map<String, Tensor> s = student.stateDict();
    same(t, "bert.encoder.layer.3.attention.self.query.weight", s, "bert.encoder.layer.0.attention.self.query.weight");
    same(t, "bert.encoder.layer.1.output.LayerNorm.bias", s, "bert.encoder.layer.1.output.LayerNorm.bias");
    same(t, "bert.embeddings.word_embeddings.weight", s, "bert.embeddings.word_embeddings.weight");
    same(t, "bert.pooler.dense.weight", s, "bert.pooler.dense.weight");
    same(t, "classifier.weight", s, "classifier.weight");
    assertEquals(3, ((BertForSequenceClassification) student).numLabels());
  }

  @Test
  void layerListErrors() {
    Gpt2 teacher = new Gpt2(GPT, new Rng(3));
    var e = assertThrows(IllegalArgumentException.class, () -> Students.fromTeacher(teacher, List.of(0, 6)));
    assertTrue(e.getMessage().contains("teacher layer 6 is out of range: the teacher has 6 layers"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Students.fromTeacher(teacher, List.of(-1)));
    assertThrows(IllegalArgumentException.class, () -> Students.fromTeacher(teacher, List.of(1, 1)));
    assertThrows(IllegalArgumentException.class, () -> Students.fromTeacher(teacher, List.of()));
  }

  @Test
  void selectionRules() {
    assertEquals(List.of(0, 2, 4, 7, 9, 11), LayerSelection.uniform(6, 12));
    assertEquals(List.of(0, 2, 4, 6, 8, 10), LayerSelection.everyOther(12));
    assertEquals(List.of(0, 1, 2), LayerSelection.first(3, 12));
    assertEquals(List.of(0), LayerSelection.uniform(1, 12));
    assertThrows(IllegalArgumentException.class, () -> LayerSelection.first(13, 12));
  }

  @Test
  void freshStudentKeepsVocabulary() {
    BertForSequenceClassification teacher = new BertForSequenceClassification(BERT, 3, new Rng(4));
    var student = (BertForSequenceClassification) Students.fresh(teacher, 2, 4, 1, 8, new Rng(5));
    assertEquals(20, student.config().vocabSize());
    assertEquals(4, student.config().hidden());
    assertEquals(2, student.config().layers());
    assertEquals(3, student.numLabels());
    assertArrayEquals(new int[] {20, 4}, student.stateDict().get("bert.embeddings.word_embeddings.weight").shape());
  }
}
