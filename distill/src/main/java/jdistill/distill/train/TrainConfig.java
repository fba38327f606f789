package jdistill.distill.train;

import java.nio.file.Path;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.LrSchedule;

/**
 * How the trainer runs: the number of optimizer steps, micro-batches per step (gradient
 * accumulation), clipping, the optimizer and its learning-rate schedule, how often to log,
 * evaluate and checkpoint, which metric picks the best checkpoint, and where everything goes.
 *
 * @param steps optimizer steps in the whole run
 * @param microBatches batches accumulated into each optimizer step (1 = none)
 * @param maxGradNorm global gradient-norm clip, or 0 for no clipping
 * @param adamw AdamW hyper-parameters (its lr is the base the schedule overrides each step)
 * @param weightDecay decoupled decay for matrices and embeddings (biases and norms never decay)
 * @param lrSchedule the learning rate as a function of completed optimizer steps
 * @param logEvery steps between metrics lines (and progress updates)
 * @param evalEvery steps between evaluations, or 0 for none (a last one runs at the end when > 0)
 * @param checkpointEvery steps between checkpoints, or 0 to save only at the end, on stop and for a new best
 * @param bestBy the metric that picks the best checkpoint, or null to keep only the last
 * @param outputDir where metrics.jsonl and checkpoints/ are written
 * @param progressBar show a progress bar (only ever drawn when the console is a terminal)
 */
public record TrainConfig(
    long steps,
    int microBatches,
    double maxGradNorm,
    AdamW.Config adamw,
    double weightDecay,
    LrSchedule lrSchedule,
    int logEvery,
    int evalEvery,
    int checkpointEvery,
    MetricGoal bestBy,
    Path outputDir,
    boolean progressBar) {

  public TrainConfig {
    if (steps < 1) throw new IllegalArgumentException("training needs at least 1 step, got " + steps);
    if (microBatches < 1) throw new IllegalArgumentException("micro-batches per step must be >= 1, got " + microBatches);
    if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) throw new IllegalArgumentException("maxGradNorm must be finite and >= 0 (0 = no clipping), got " + maxGradNorm);
    if (adamw == null) throw new IllegalArgumentException("the optimizer settings are missing");
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    if (lrSchedule == null) lrSchedule = LrSchedule.constant(adamw.lr());
    if (logEvery < 1) throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
    if (evalEvery < 0 || checkpointEvery < 0) throw new IllegalArgumentException("evalEvery and checkpointEvery must be >= 0, got " + evalEvery + " and " + checkpointEvery);
    if (outputDir == null) throw new IllegalArgumentException("the trainer needs an output directory");
  }

  /**
   * {@code steps} steps of AdamW at a constant {@code lr}, no accumulation, clipping at 1.0,
   * weight decay 0.01, logging every 10 steps, no evaluation, checkpoints only at the end.
   */
  public static TrainConfig of(long steps, double lr, Path outputDir) {
    return new TrainConfig(steps, 1, 1.0, AdamW.Config.of(lr), 0.01, LrSchedule.constant(lr), 10, 0, 0, null, outputDir, true);
  }

  public TrainConfig withSteps(long v) {
    return new TrainConfig(v, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withMicroBatches(int v) {
    return new TrainConfig(steps, v, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withMaxGradNorm(double v) {
    return new TrainConfig(steps, microBatches, v, adamw, weightDecay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withOptimizer(AdamW.Config v, double decay) {
    return new TrainConfig(steps, microBatches, maxGradNorm, v, decay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withLrSchedule(LrSchedule v) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, v, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withLogEvery(int v) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, v, evalEvery, checkpointEvery, bestBy, outputDir, progressBar);
  }

  public TrainConfig withEval(int every, MetricGoal best) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, every, checkpointEvery, best, outputDir, progressBar);
  }

  public TrainConfig withCheckpointEvery(int v) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, evalEvery, v, bestBy, outputDir, progressBar);
  }

  public TrainConfig withOutputDir(Path v) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, v, progressBar);
  }

  public TrainConfig withProgressBar(boolean v) {
    return new TrainConfig(steps, microBatches, maxGradNorm, adamw, weightDecay, lrSchedule, logEvery, evalEvery, checkpointEvery, bestBy, outputDir, v);
  }

  /** metrics.jsonl in the output directory. */
  public Path metricsFile() {
    return outputDir.resolve("metrics.jsonl");
  }

  /** checkpoints/ in the output directory. */
  public Path checkpointDir() {
    return outputDir.resolve("checkpoints");
  }
}
