package jdistill.distill.schedule;

/**
 * The part of a run over which a schedule moves: it starts at {@code startStep} or at {@code
 * startFraction} of the run and lasts {@code steps} steps or {@code fraction} of the run; with
 * neither length it lasts to the end of the run. Null fields are unset.
 */
public record ScheduleSpan(Long startStep, Double startFraction, Long steps, Double fraction) {

  /** The whole run. */
  public static final ScheduleSpan WHOLE_RUN = new ScheduleSpan(null, null, null, null);

  public ScheduleSpan {
    if (startStep != null && startFraction != null) throw new IllegalArgumentException("schedule: give 'start' (a fraction of the run) or 'start_step', not both");
    if (steps != null && fraction != null) throw new IllegalArgumentException("schedule: give 'steps' or 'fraction' for the length, not both");
    if (startStep != null && startStep < 0) throw new IllegalArgumentException("schedule: 'start_step' must be 0 or more, got " + startStep);
    if (startFraction != null && !(startFraction >= 0 && startFraction < 1)) throw new IllegalArgumentException("schedule: 'start' must be a fraction of the run in [0, 1), got " + startFraction);
    if (steps != null && steps <= 0) throw new IllegalArgumentException("schedule: 'steps' must be positive, got " + steps);
    if (fraction != null && !(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("schedule: 'fraction' must be in (0, 1], got " + fraction);
  }

  /** True when the span is given in steps only, so the run's length is not needed. */
  public boolean inSteps() {
    return startFraction == null && fraction == null && steps != null;
  }

  /** Progress through the span at {@code step}, clamped to [0, 1]. */
  public double progress(long step, long totalSteps) {
    if (!inSteps() && totalSteps <= 0) {
      throw new IllegalStateException("schedule: the span " + describe() + " is relative to the run's length, which is unknown (total steps " + totalSteps + ")");
    }
    double start = startStep != null ? startStep : startFraction != null ? startFraction * totalSteps : 0;
    double length = steps != null ? steps : fraction != null ? fraction * totalSteps : totalSteps - start;
    if (length <= 0) return step >= start ? 1 : 0;
    return Math.clamp((step - start) / length, 0.0, 1.0);
  }

  /** The span's config keys, e.g. ", start: 0.1, fraction: 0.5" (empty for the whole run). */
  public String describe() {
    StringBuilder b = new StringBuilder();
    if (startStep != null) b.append(", start_step: ").append(startStep);
    if (startFraction != null) b.append(", start: ").append(num(startFraction));
    if (steps != null) b.append(", steps: ").append(steps);
    if (fraction != null) b.append(", fraction: ").append(num(fraction));
    return b.toString();
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) + ".0" : Double.toString(v);
  }
}
