package jdistill.distill.train;

import java.util.function.DoubleUnaryOperator;
import jdistill.distill.method.Method;

/**
 * A method with its weight in the run's total loss. The weight is a function of the run's progress
 * in [0, 1] (constant, or a schedule such as a linear ramp), evaluated at every step.
 */
public record WeightedMethod(Method method, DoubleUnaryOperator weight) {

  public WeightedMethod {
    if (method == null) throw new IllegalArgumentException("a weighted method needs a method");
    if (weight == null) throw new IllegalArgumentException("method '" + method.name() + "' needs a weight");
  }

  /** A constant weight. */
  public static WeightedMethod of(Method method, double weight) {
    return new WeightedMethod(method, p -> weight);
  }

  /** A weight that moves linearly from {@code start} at progress 0 to {@code end} at progress 1. */
  public static WeightedMethod linear(Method method, double start, double end) {
    return new WeightedMethod(method, p -> start + (end - start) * Math.min(1, Math.max(0, p)));
  }

  /** The weight at {@code progress}; an error naming the method when it is not finite. */
  public double weightAt(double progress) {
    double w = weight.applyAsDouble(progress);
    if (!Double.isFinite(w)) throw new IllegalStateException("method '" + method.name() + "': weight at progress " + progress + " is " + w);
    return w;
  }
}
