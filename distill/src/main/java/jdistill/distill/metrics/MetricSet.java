package jdistill.distill.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metrics a run reports, chosen by name from the ones listed in {@link #known()}. */
public final class MetricSet {

  private static final Map<String, Metric> KNOWN = known(List.of(
      Metric.of("accuracy", "share of correct class predictions", EvalOutputs::hasClassification, "class predictions and labels",
          o -> Classification.accuracy(o.classPredictions(), o.classLabels())),
      Metric.of("f1", "binary F1 with class 1 positive", EvalOutputs::hasClassification, "class predictions and labels",
          o -> Classification.f1Binary(o.classPredictions(), o.classLabels())),
      Metric.of("f1_macro", "mean per-class F1", EvalOutputs::hasClassification, "class predictions and labels",
          o -> Classification.f1Macro(o.classPredictions(), o.classLabels())),
      Metric.of("mcc", "Matthews correlation coefficient (0 when undefined)", EvalOutputs::hasClassification, "class predictions and labels",
          o -> Classification.matthews(o.classPredictions(), o.classLabels())),
      Metric.of("pearson", "Pearson correlation of predictions with targets (NaN for constant ones)", EvalOutputs::hasRegression, "regression predictions and targets",
          o -> Correlation.pearson(o.regressionPredictions(), o.regressionTargets())),
      Metric.of("spearman", "Spearman rank correlation of predictions with targets (NaN for constant ones)", EvalOutputs::hasRegression, "regression predictions and targets",
          o -> Correlation.spearman(o.regressionPredictions(), o.regressionTargets())),
      Metric.of("perplexity", "exp of the mean token negative log-likelihood", EvalOutputs::hasLanguageModel, "a summed LM loss and token count",
          o -> LanguageModeling.perplexity(o.nllSum(), o.nllTokens())),
      Metric.of("agreement", "share of counted positions where student and teacher argmax agree", EvalOutputs::hasAgreement, "student and teacher argmax counts",
          o -> LanguageModeling.agreement(o.agreementMatches(), o.agreementCounted())),
      Metric.of("embedding_cosine", "mean cosine similarity of student to teacher embeddings", EvalOutputs::hasEmbeddings, "student and teacher embeddings",
          EvalOutputs::meanCosine),
      Metric.of("similarity_spearman", "Spearman correlation of student with teacher cosine similarities over pairs of evaluation sentences", EvalOutputs::hasEmbeddings,
          "student and teacher embeddings", EvalOutputs::similaritySpearman)));

  private final List<Metric> metrics;

  private MetricSet(List<Metric> metrics) {
    this.metrics = List.copyOf(metrics);
  }

  private static Map<String, Metric> known(List<Metric> list) {
    Map<String, Metric> m = new LinkedHashMap<>();
    for (Metric metric : list) m.put(metric.name(), metric);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Every metric name this set can be built from, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /** The known metrics by name. */
  public static Map<String, Metric> known() {
    return KNOWN;
  }

  /** The metrics named (in that order); an unknown name fails listing the valid ones. */
  public static MetricSet of(List<String> names) {
    List<Metric> chosen = new ArrayList<>();
    for (String n : names) {
      Metric m = KNOWN.get(n);
      if (m == null) throw new IllegalArgumentException("unknown metric '" + n + "'; valid metrics: " + String.join(", ", KNOWN.keySet()));
      if (!chosen.contains(m)) chosen.add(m);
    }
    return new MetricSet(chosen);
  }

  public static MetricSet of(String... names) {
    return of(List.of(names));
  }

  public List<Metric> metrics() {
    return metrics;
  }

  /** Every metric of the set over {@code outputs}, in the set's order. */
  public List<MetricResult> compute(EvalOutputs outputs) {
    List<MetricResult> out = new ArrayList<>(metrics.size());
    for (Metric m : metrics) out.add(new MetricResult(m.name(), m.compute(outputs)));
    return out;
  }
}
