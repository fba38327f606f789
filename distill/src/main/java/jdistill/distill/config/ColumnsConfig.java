package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which fields (jsonl keys, csv/tsv header names) hold what. The task decides which are read:
 * classification reads {@code label}, regression and sentence-embedding pairs read {@code score}.
 *
 * @param text the input text (default "text")
 * @param textPair the second text of a pair task, or null for single texts (default null)
 * @param label class label, a name or an id (default "label")
 * @param score regression target (default "score")
 */
public record ColumnsConfig(
    @JsonProperty("text") String text,
    @JsonProperty("text_pair") String textPair,
    @JsonProperty("label") String label,
    @JsonProperty("score") String score) {

  public ColumnsConfig {
    text = Checks.or(text, "text");
    label = Checks.or(label, "label");
    score = Checks.or(score, "score");
  }

  /** The default column names. */
  public static ColumnsConfig defaults() {
    return new ColumnsConfig(null, null, null, null);
  }
}
