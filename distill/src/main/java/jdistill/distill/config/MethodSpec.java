package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.distill.schedule.ValueSchedule;

/**
 * One distillation method in a run, as written in the config: its registered name, its weight in
 * the total loss (a number or a {@link ValueSchedule}; default 1) and its options (checked against
 * the method's option list when the config is loaded).
 */
public record MethodSpec(
    @JsonProperty("name") String name,
    @JsonProperty("weight") ValueSchedule weight,
    @JsonProperty("options") Map<String, Object> options) {

  public MethodSpec {
    Checks.required(name, "name", "a registered method name (see 'jdistill methods')");
    weight = Checks.or(weight, ValueSchedule.constant(1.0));
    options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A method with weight 1 and default options. */
  public static MethodSpec of(String name) {
    return new MethodSpec(name, null, null);
  }
}
