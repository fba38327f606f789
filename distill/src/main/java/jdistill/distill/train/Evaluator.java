package jdistill.distill.train;

import java.util.Map;
import jdistill.distill.core.DistillModel;

/**
 * Computes held-out metrics of the student (perplexity, accuracy, agreement with the teacher, ...)
 * every few steps. The trainer calls it with the student in eval mode, gradient recording off and
 * a scope open; it must not draw from the run's generator, so that evaluating does not change the
 * training that follows.
 */
@FunctionalInterface
public interface Evaluator {

  /** Metric values by name after {@code step} completed optimizer steps. */
  Map<String, Double> evaluate(DistillModel student, long step);
}
