package jdistill.distill.schedule;

/** Half a cosine from {@code from} to {@code to} over a span: to + (from - to) (1 + cos(pi p)) / 2. */
public record CosineSchedule(double from, double to, ScheduleSpan span) implements ValueSchedule {

  @Override
  public double at(long step, long totalSteps) {
    double p = span.progress(step, totalSteps);
    return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * p));
  }

  @Override
  public String describe() {
    return "{kind: cosine, from: " + ScheduleSpan.num(from) + ", to: " + ScheduleSpan.num(to) + span.describe() + "}";
  }
}
