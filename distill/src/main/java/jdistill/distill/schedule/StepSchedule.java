package jdistill.distill.schedule;

import java.util.List;

/**
 * Piecewise constant: {@code values.get(i)} from boundary i-1 until boundary i. Boundaries are
 * ascending fractions of the run ({@code inSteps} false) or step numbers; a step exactly on a
 * boundary takes the next value. There is one more value than boundaries.
 */
public record StepSchedule(List<Double> values, List<Double> boundaries, boolean inSteps) implements ValueSchedule {

  public StepSchedule {
    values = List.copyOf(values);
    boundaries = List.copyOf(boundaries);
    if (values.size() != boundaries.size() + 1) {
      throw new IllegalArgumentException("schedule: a step schedule needs one more value than boundaries, got " + values.size() + " values and " + boundaries.size() + " boundaries");
    }
    for (int i = 1; i < boundaries.size(); i++) {
      if (boundaries.get(i) <= boundaries.get(i - 1)) throw new IllegalArgumentException("schedule: step boundaries must be ascending, got " + boundaries);
    }
    for (double b : boundaries) {
      if (inSteps ? b < 0 || b != Math.rint(b) : !(b >= 0 && b <= 1)) {
        throw new IllegalArgumentException("schedule: step boundaries must be " + (inSteps ? "step numbers (at_steps)" : "fractions of the run in [0, 1] (at)") + ", got " + b);
      }
    }
  }

  @Override
  public double at(long step, long totalSteps) {
    if (!inSteps && totalSteps <= 0 && !boundaries.isEmpty()) {
      throw new IllegalStateException("schedule: " + describe() + " is relative to the run's length, which is unknown (total steps " + totalSteps + ")");
    }
    double position = inSteps ? step : (double) step / totalSteps;
    int i = 0;
    while (i < boundaries.size() && position >= boundaries.get(i)) i++;
    return values.get(i);
  }

  @Override
  public String describe() {
    return "{kind: step, values: " + values + (inSteps ? ", at_steps: " + boundaries.stream().map(b -> (long) (double) b).toList() : ", at: " + boundaries) + "}";
  }
}
