package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A randomly initialised student with the teacher's architecture family, vocabulary and position
 * range, and these sizes.
 *
 * @param layers transformer layers (required)
 * @param hidden hidden width (required)
 * @param heads attention heads, dividing {@code hidden} (required)
 * @param intermediate feed-forward width (default 4 * hidden)
 */
public record FreshStudentConfig(
    @JsonProperty("layers") Integer layers,
    @JsonProperty("hidden") Integer hidden,
    @JsonProperty("heads") Integer heads,
    @JsonProperty("intermediate") Integer intermediate) {

  public FreshStudentConfig {
    Checks.required(layers, "layers", "the number of transformer layers");
    Checks.required(hidden, "hidden", "the hidden width");
    Checks.required(heads, "heads", "the number of attention heads");
    Checks.positive(layers, "layers");
    Checks.positive(hidden, "hidden");
    Checks.positive(heads, "heads");
    if (hidden % heads != 0) throw new ConfigFieldException("heads", heads + " heads do not divide the hidden width " + hidden);
    intermediate = Checks.or(intermediate, 4 * hidden);
    Checks.positive(intermediate, "intermediate");
  }
}
