package jdistill.distill.core;

import jdistill.models.transformer.ModelOutput;

/**
 * What a method sees in one training step: the batch, both models' outputs with the taps that
 * were requested, and where the step lies in the run (for schedules). The teacher output is null
 * for methods that need no teacher forward.
 */
public record StepView(Batch batch, ModelOutput teacher, ModelOutput student, long step, long totalSteps) {

  /** Fraction of the run done, in [0, 1]. */
  public double progress() {
    return totalSteps <= 0 ? 1.0 : Math.min(1.0, (double) step / totalSteps);
  }
}
