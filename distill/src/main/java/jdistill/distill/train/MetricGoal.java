package jdistill.distill.train;

import java.util.Locale;

/** Which evaluation metric picks the best checkpoint, and whether lower or higher is better. */
public record MetricGoal(String metric, Direction direction) {

  /** Lower is better (loss, perplexity) or higher is better (accuracy, F1). */
  public enum Direction {
    MIN,
    MAX;

    /** "min"/"minimize"/"lower" or "max"/"maximize"/"higher", any case. */
    public static Direction parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "min", "minimize", "lower" -> MIN;
        case "max", "maximize", "higher" -> MAX;
        default -> throw new IllegalArgumentException("metric direction '" + text + "': expected min or max");
      };
    }
  }

  public MetricGoal {
    if (metric == null || metric.isBlank()) throw new IllegalArgumentException("a metric goal needs a metric name");
    if (direction == null) throw new IllegalArgumentException("metric goal '" + metric + "' needs a direction (min or max)");
  }

  public static MetricGoal min(String metric) {
    return new MetricGoal(metric, Direction.MIN);
  }

  public static MetricGoal max(String metric) {
    return new MetricGoal(metric, Direction.MAX);
  }

  /** True when {@code candidate} beats {@code best} (a NaN candidate never does; anything beats a NaN best). */
  public boolean isBetter(double candidate, double best) {
    if (Double.isNaN(candidate)) return false;
    if (Double.isNaN(best)) return true;
    return direction == Direction.MIN ? candidate < best : candidate > best;
  }
}
