package jdistill.distill.train;

import jdistill.distill.data.DataPosition;
import java.util.List;

/**
 * The scalar half of a checkpoint (trainer.json): counters, the data position, the run
 * generator's seed and position, the learning-rate schedule's position and the best metric so far.
 * The tensors (student, extras, optimizer state) sit beside it in safetensors files.
 *
 * @param format {@link #FORMAT}, checked on load
 * @param step optimizer steps completed
 * @param totalSteps the run's planned steps when the checkpoint was written
 * @param data where the next batch is read
 * @param rngSeed the run generator's seed
 * @param rngPosition the run generator's position (draws taken)
 * @param scheduleStep the learning-rate schedule's position (optimizer steps taken)
 * @param lr the learning rate of the last update
 * @param tokensSeen input tokens consumed so far
 * @param methods the methods' names in order (a resume must combine the same ones)
 * @param best the best evaluation so far, or null
 */
public record RunState(
    String format,
    long step,
    long totalSteps,
    DataPosition data,
    long rngSeed,
    long rngPosition,
    long scheduleStep,
    double lr,
    long tokensSeen,
    List<String> methods,
    Best best) {

  /** The format tag written into every trainer.json. */
  public static final String FORMAT = "jdistill-trainer-checkpoint/1";

  /** The best value of the goal metric, the step it was reached at and the folder holding that state. */
  public record Best(String metric, MetricGoal.Direction direction, double value, long step, String checkpoint) {}
}
