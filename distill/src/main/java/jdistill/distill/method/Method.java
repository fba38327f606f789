package jdistill.distill.method;

import java.util.List;
import java.util.Map;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;

/**
 * One distillation method: it declares the taps it needs from teacher and student, owns its
 * trainable extras (projections, trained with the student and dropped at export), and computes
 * its loss terms from a step's recordings. The trainer never knows which method runs; several
 * combine by name and weight (see {@code MethodRegistry}).
 */
public interface Method {

  /** The registered name ("kd", "pkd", "tinybert", ...). */
  String name();

  /** The taps to record in the coming step (may change between steps, e.g. RAIL-KD's re-drawn layers). */
  List<TapRequest> taps();

  /** Loss terms by name, unweighted by the combination (the method applies its own internal weights). */
  Map<String, Tensor> losses(StepView step);

  /** Trainable extras (projections) or null; trained with the student, dropped at export. */
  default Module extras() {
    return null;
  }

  /** Called before each step's forward passes (schedules, re-drawn layer maps). */
  default void beginStep(long step, long totalSteps, Rng rng) {}

  /** False for methods that never read the teacher (e.g. BERT-of-Theseus), so its forward can be skipped. */
  default boolean needsTeacher() {
    return true;
  }
}
