package jdistill.distill.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a {@link Trainer#run()} ended.
 *
 * @param steps optimizer steps completed in total (resumed ones included)
 * @param stopped true when a stop request ended the run early
 * @param lastCheckpoint the last checkpoint folder written
 * @param best the best evaluation and its checkpoint, or null without evaluation or goal
 * @param lastEval the metrics of the latest evaluation, empty when none ran
 * @param lastStep the statistics of the final step, or null when no step ran in this call
 */
public record TrainResult(long steps, boolean stopped, Path lastCheckpoint, RunState.Best best, Map<String, Double> lastEval, StepStats lastStep) {}
