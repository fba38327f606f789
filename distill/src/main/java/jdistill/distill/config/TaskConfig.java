package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the models are trained to do.
 *
 * @param type the task (required)
 * @param pooling sentence_embedding only: how token states become one vector (default mean)
 * @param numLabels sequence_classification: the number of classes (default: the teacher's);
 *     regression has one output
 */
public record TaskConfig(
    @JsonProperty("type") Type type,
    @JsonProperty("pooling") Pooling pooling,
    @JsonProperty("num_labels") Integer numLabels) {

  /** The supported tasks. */
  public enum Type {
    @JsonProperty("sequence_classification") SEQUENCE_CLASSIFICATION,
    @JsonProperty("regression") REGRESSION,
    @JsonProperty("masked_lm") MASKED_LM,
    @JsonProperty("causal_lm") CAUSAL_LM,
    @JsonProperty("sentence_embedding") SENTENCE_EMBEDDING
  }

  /** Sentence-embedding pooling over non-padding tokens. */
  public enum Pooling {
    @JsonProperty("mean") MEAN,
    @JsonProperty("cls") CLS
  }

  public TaskConfig {
    Checks.required(type, "type", "one of sequence_classification, regression, masked_lm, causal_lm, sentence_embedding");
    if (pooling != null && type != Type.SENTENCE_EMBEDDING) {
      throw new ConfigFieldException("pooling", "applies to the sentence_embedding task only");
    }
    if (type == Type.SENTENCE_EMBEDDING) pooling = Checks.or(pooling, Pooling.MEAN);
    if (numLabels != null) {
      if (type == Type.REGRESSION && numLabels != 1) throw new ConfigFieldException("num_labels", "regression has one output, got " + numLabels);
      if (type != Type.SEQUENCE_CLASSIFICATION && type != Type.REGRESSION) throw new ConfigFieldException("num_labels", "applies to sequence_classification only");
      if (numLabels < 1) throw new ConfigFieldException("num_labels", "expected a positive number of classes, got " + numLabels);
    }
    if (type == Type.REGRESSION) numLabels = 1;
  }

  /** A task with its defaults. */
  public static TaskConfig of(Type type) {
    return new TaskConfig(type, null, null);
  }
}
