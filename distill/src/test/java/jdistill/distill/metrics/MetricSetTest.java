package jdistill.distill.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class MetricSetTest {

  @Test
  void unknownNameListsTheValidOnes() {
    assertEquals("unknown metric 'acc'; valid metrics: accuracy, f1, f1_macro, mcc, pearson, spearman, perplexity, agreement, embedding_cosine, similarity_spearman",
        assertThrows(IllegalArgumentException.class, () -> MetricSet.of("accuracy", "acc")).getMessage());
  }

  @Test
  void computesFromCollectedOutputsInOrder() {
    EvalOutputs o = new EvalOutputs();
    // logits argmax (0, 1, 1) then (0, 1): predictions 0 1 1 0 1 for labels 0 1 0 0 1
    o.addClassification(Tensor.of(new float[] {3, 1, 0, 2, 1, 4}, 3, 2), Tensor.ofLongs(new long[] {0, 1, 0}, 3));
    o.addClassification(new int[] {0, 1}, new int[] {0, 1});
    o.addLanguageModel(Math.log(4), 1);
    o.addLanguageModel(Math.log(4), 1);
    List<MetricResult> r = MetricSet.of("mcc", "accuracy", "f1", "perplexity", "accuracy").compute(o);
    assertEquals(List.of("mcc", "accuracy", "f1", "perplexity"), r.stream().map(MetricResult::name).toList());
    assertEquals(2.0 / 3, r.get(0).value(), 1e-15);
    assertEquals(0.8, r.get(1).value(), 1e-15);
    assertEquals(0.8, r.get(2).value(), 1e-15);
    assertEquals(4.0, r.get(3).value(), 1e-12);
  }

  @Test
  void regressionMetricsFromTensors() {
    EvalOutputs o = new EvalOutputs();
    o.addRegression(Tensor.of(new float[] {1, 2}, 2, 1), Tensor.of(new float[] {2, 4}, 2));
    o.addRegression(new double[] {3, 4}, new double[] {5, 9});
    List<MetricResult> r = MetricSet.of("pearson", "spearman").compute(o);
    assertEquals(11 / Math.sqrt(130), r.get(0).value(), 1e-12);
    assertEquals(1.0, r.get(1).value(), 1e-12);
  }

  @Test
  void aMetricWithoutItsInputsSaysWhatItNeeds() {
    assertEquals("metric 'spearman' needs regression predictions and targets, and the evaluation recorded none",
        assertThrows(IllegalStateException.class, () -> MetricSet.of("spearman").compute(new EvalOutputs())).getMessage());
  }
}
