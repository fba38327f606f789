package jdistill.distill.train;

import jdistill.distill.data.BatchSource;
import java.io.PrintStream;
import java.util.List;
import jdistill.distill.core.DistillModel;
import jdistill.engine.Rng;

/**
 * Everything a {@link Trainer} is built from.
 *
 * @param student the model being trained
 * @param teacher the frozen teacher; may be null when no method needs it
 * @param methods the methods and their weights (a hard-label loss is one of them, like any other)
 * @param data training batches
 * @param evaluator held-out metrics, or null for none
 * @param rng the run's generator: the same instance the student's dropout draws from and the
 *     methods' {@code beginStep} receive; its seed and position are checkpointed
 * @param config how to run
 * @param console where short messages go (checkpoints written, stop requested), or null
 */
public record TrainSetup(DistillModel student, DistillModel teacher, List<WeightedMethod> methods, BatchSource data, Evaluator evaluator, Rng rng, TrainConfig config, PrintStream console) {

  public TrainSetup {
    if (student == null) throw new IllegalArgumentException("the trainer needs a student");
    if (methods == null || methods.isEmpty()) throw new IllegalArgumentException("the trainer needs at least one method (a hard-label loss counts)");
    methods = List.copyOf(methods);
    if (data == null) throw new IllegalArgumentException("the trainer needs a batch source");
    if (rng == null) throw new IllegalArgumentException("the trainer needs the run's Rng");
    if (config == null) throw new IllegalArgumentException("the trainer needs a TrainConfig");
    if (teacher == null) {
      for (WeightedMethod m : methods) {
        if (m.method().needsTeacher()) throw new IllegalArgumentException("method '" + m.method().name() + "' needs a teacher, but none was given");
      }
    }
    if (config.bestBy() != null && evaluator == null) {
      throw new IllegalArgumentException("the best checkpoint is chosen by metric '" + config.bestBy().metric() + "', but no evaluator was given");
    }
  }
}
