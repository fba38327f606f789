package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What is measured on the evaluation data.
 *
 * @param metrics metric names (default: the task's, see {@link #metricsFor}); known: accuracy, f1,
 *     macro_f1, mcc, pearson, spearman, perplexity, loss, agreement (student-teacher top-1 agreement),
 *     embedding_cosine (sentence embeddings: mean cosine of student to teacher)
 * @param teacher also evaluate the teacher, for comparison (default true)
 * @param bestBy the metric that picks the best checkpoint (default: the first of the metrics);
 *     loss and perplexity are better lower, every other metric higher
 * @param export which student is exported and reported: {@code last} (the weights at the end of
 *     training, the default) or {@code best} (the best checkpoint's, by {@code best_by})
 */
public record EvaluationConfig(
    @JsonProperty("metrics") List<String> metrics,
    @JsonProperty("teacher") Boolean teacher,
    @JsonProperty("best_by") String bestBy,
    @JsonProperty("export") String export) {

  /** Metrics that are better lower. */
  private static final List<String> LOWER_IS_BETTER = List.of("loss", "perplexity");

  /** Every metric name a config may list. */
  public static final List<String> KNOWN = List.of("accuracy", "f1", "macro_f1", "mcc", "pearson", "spearman", "perplexity", "loss", "agreement", "embedding_cosine", "similarity_spearman");

  public EvaluationConfig {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
    for (int i = 0; i < metrics.size(); i++) {
      if (!KNOWN.contains(metrics.get(i))) {
        throw new ConfigFieldException("metrics." + i, "unknown metric '" + metrics.get(i) + "'; known metrics: " + String.join(", ", KNOWN));
      }
    }
    teacher = Checks.or(teacher, true);
    if (bestBy != null && !KNOWN.contains(bestBy)) {
      throw new ConfigFieldException("best_by", "unknown metric '" + bestBy + "'; known metrics: " + String.join(", ", KNOWN));
    }
    export = Checks.or(export, "last");
    if (!export.equals("last") && !export.equals("best")) {
      throw new ConfigFieldException("export", "'" + export + "': expected last or best");
    }
  }

  /** All defaults. */
  public static EvaluationConfig defaults() {
    return new EvaluationConfig(null, null, null, null);
  }

  /** True when the best checkpoint's student is exported instead of the last one. */
  public boolean exportBest() {
    return export.equals("best");
  }

  /** The metric that picks the best checkpoint among the {@code evaluated} ones: {@code best_by}, else the first. */
  public String bestMetric(List<String> evaluated) {
    return bestBy != null ? bestBy : evaluated.get(0);
  }

  /** True when lower values of {@code metric} are better. */
  public static boolean lowerIsBetter(String metric) {
    return LOWER_IS_BETTER.contains(metric);
  }

  /** The metrics to compute for {@code task}: the listed ones, or the task's defaults. */
  public List<String> metricsFor(TaskConfig.Type task) {
    if (!metrics.isEmpty()) return metrics;
    return switch (task) {
      case SEQUENCE_CLASSIFICATION -> List.of("accuracy", "macro_f1");
      case REGRESSION, SENTENCE_EMBEDDING -> List.of("pearson", "spearman");
      case MASKED_LM, CAUSAL_LM -> List.of("perplexity");
    };
  }
}
