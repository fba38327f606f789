package jdistill.distill.report;

import java.util.Map;

/**
 * What the report shows for one model.
 *
 * @param name "teacher" or "student" (or any label)
 * @param shape a one-line description (layers, width, heads)
 * @param parameters parameter count
 * @param diskBytes size of its exported weights and config on disk
 * @param speed measured inference speed, or null when not measured
 * @param metrics evaluation metrics by name
 */
public record ModelFacts(String name, String shape, long parameters, long diskBytes, SpeedProbe.Speed speed, Map<String, Double> metrics) {

  public ModelFacts {
    metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }
}
