package jdistill.engine.optim;

import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;

/**
 * Updates parameters from their gradients. The learning rate is set from outside (by an {@link
 * LrSchedule}) before each step; the state (moments, buffers, master weights, step counts) can be
 * saved and restored exactly for checkpoint and resume.
 */
public interface Optimizer {

  /** One update of every parameter that has a gradient, at the current learning rate. */
  default void step() {
    step(1.0);
  }

  /**
   * One update using {@code grad * gradScale} as the gradient (the factor from {@link
   * GradClip#scaleFor}, so clipping needs no extra pass over the gradients).
   */
  void step(double gradScale);

  /** Releases every parameter's gradient. */
  void zeroGrad();

  /** Number of completed {@link #step} calls. */
  long stepCount();

  /** Base learning rate (each group multiplies it by its {@link ParamGroup#lrScale()}). */
  double lr();

  void setLr(double lr);

  List<ParamGroup> groups();

  /**
   * The state by name ({@code <param>.<kind>} per parameter plus {@code step}): the live tensors,
   * to be written to a checkpoint before the next step.
   */
  Map<String, Tensor> state();

  /** Restores a state saved by {@link #state()} from an optimizer over the same parameters. */
  void loadState(Map<String, Tensor> state);
}
