package jdistill.distill.schedule;

/**
 * Annealing-KD's factor phi on the teacher's logits: the temperature steps down from {@code max}
 * to 1 over the span, T = max - floor(p * max) (at least 1), and phi(T) = 1 - (T - 1) / max, so phi
 * rises from 1/max to 1 in {@code max} equal levels. With {@code continuous} T falls linearly from
 * max to 1 instead.
 */
public record AnnealingSchedule(double max, boolean continuous, ScheduleSpan span) implements ValueSchedule {

  public AnnealingSchedule {
    if (!(max >= 1)) throw new IllegalArgumentException("schedule: annealing 'max' (the highest temperature) must be at least 1, got " + max);
    if (!continuous && max != Math.rint(max)) throw new IllegalArgumentException("schedule: annealing 'max' must be a whole number of levels, got " + max + " (or set continuous: true)");
  }

  /** The temperature T at {@code step}. */
  public double temperature(long step, long totalSteps) {
    double p = span.progress(step, totalSteps);
    if (continuous) return max - p * (max - 1);
    // the small slack keeps p * max on a level boundary from rounding down below it
    return Math.max(1.0, max - Math.floor(p * max + 1e-9));
  }

  @Override
  public double at(long step, long totalSteps) {
    return 1 - (temperature(step, totalSteps) - 1) / max;
  }

  @Override
  public String describe() {
    return "{kind: annealing, max: " + ScheduleSpan.num(max) + (continuous ? ", continuous: true" : "") + span.describe() + "}";
  }
}
