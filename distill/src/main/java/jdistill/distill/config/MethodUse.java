package jdistill.distill.config;

import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.schedule.ValueSchedule;

/** A method of a stage after validation: its factory, validated options and weight schedule. */
public record MethodUse(String name, ValueSchedule weight, MethodFactory factory, MethodOptions options) {

  /** A new method instance for a run. */
  public Method create(MethodSetup setup) {
    return factory.create(options, setup);
  }
}
