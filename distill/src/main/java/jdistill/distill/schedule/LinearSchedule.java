package jdistill.distill.schedule;

/** Moves linearly from {@code from} to {@code to} over a span, holding the ends outside it. */
public record LinearSchedule(double from, double to, ScheduleSpan span) implements ValueSchedule {

  @Override
  public double at(long step, long totalSteps) {
    double p = span.progress(step, totalSteps);
    return from + (to - from) * p;
  }

  @Override
  public String describe() {
    return "{kind: linear, from: " + ScheduleSpan.num(from) + ", to: " + ScheduleSpan.num(to) + span.describe() + "}";
  }
}
