package jdistill.distill.schedule;

/** A value that never changes. */
public record ConstantSchedule(double value) implements ValueSchedule {

  public ConstantSchedule {
    if (!Double.isFinite(value)) throw new IllegalArgumentException("schedule: value must be a finite number, got " + value);
  }

  @Override
  public double at(long step, long totalSteps) {
    return value;
  }

  @Override
  public boolean isConstant() {
    return true;
  }

  @Override
  public String describe() {
    return ScheduleSpan.num(value);
  }
}
