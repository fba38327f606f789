package jdistill.distill.schedule;

import jdistill.distill.core.StepView;

/**
 * A temperature or loss weight as a function of the training step. Written in a config as a
 * number (constant) or a map with a {@code kind}:
 *
 * <pre>
 * 0.5                                                   # constant
 * {kind: linear, from: 0.3, to: 1.0, fraction: 0.66}   # BERT-of-Theseus replacing rate
 * {kind: cosine, from: 1.0, to: 0.0, steps: 1000, start_step: 200}
 * {kind: step, values: [1.0, 0.5, 0.1], at: [0.5, 0.8]}   # or at_steps: [1000, 1600]
 * {kind: annealing, max: 7}                             # Annealing-KD's phi
 * </pre>
 *
 * Linear, cosine and annealing move over a span: it starts at {@code start} (a fraction of the
 * run, default 0) or {@code start_step}, and lasts {@code fraction} of the run or {@code steps}
 * steps (default: to the end of the run); before it the value is the start value, after it the
 * end value. Fractions need the run's total steps.
 */
public sealed interface ValueSchedule permits ConstantSchedule, LinearSchedule, CosineSchedule, StepSchedule, AnnealingSchedule {

  /** The value at {@code step} (0-based) of a run of {@code totalSteps} steps (0 or less: unknown). */
  double at(long step, long totalSteps);

  /** The value at a step's position in the run. */
  default double at(StepView view) {
    return at(view.step(), view.totalSteps());
  }

  /** True when the value never changes. */
  default boolean isConstant() {
    return false;
  }

  /** The config form, e.g. "0.5" or "{kind: linear, from: 0.0, to: 1.0, fraction: 0.66}". */
  String describe();

  /** A constant value. */
  static ValueSchedule constant(double value) {
    return new ConstantSchedule(value);
  }

  /**
   * Parses a config value: a number (or a numeric string), or a map with {@code kind} and that
   * kind's keys. Errors start with "schedule:" and name the key and what was expected.
   */
  static ValueSchedule parse(Object raw) {
    return ScheduleParser.parse(raw);
  }
}
