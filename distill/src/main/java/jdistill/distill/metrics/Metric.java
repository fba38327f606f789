package jdistill.distill.metrics;

import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A named figure computed from what an evaluation collected. The metrics the project knows are
 * listed in {@link MetricSet}.
 */
public interface Metric {

  /** The name configs and reports use ("accuracy", "f1", ...). */
  String name();

  /** One line on what it measures and what it needs. */
  String description();

  /** The value over {@code outputs}; fails when the outputs it needs were not collected. */
  double compute(EvalOutputs outputs);

  /** A metric that needs {@code needs} (checked with {@code has}) and computes {@code value}. */
  static Metric of(String name, String description, Predicate<EvalOutputs> has, String needs, ToDoubleFunction<EvalOutputs> value) {
    return new Metric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public double compute(EvalOutputs outputs) {
        if (!has.test(outputs)) throw new IllegalStateException("metric '" + name + "' needs " + needs + ", and the evaluation recorded none");
        return value.applyAsDouble(outputs);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
