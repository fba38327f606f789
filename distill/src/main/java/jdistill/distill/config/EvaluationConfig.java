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
 */
public record EvaluationConfig(
    @JsonProperty("metrics") List<String> metrics,
    @JsonProperty("teacher") Boolean teacher) {

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
  }

  /** All defaults. */
  public static EvaluationConfig defaults() {
    return new EvaluationConfig(null, null);
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
