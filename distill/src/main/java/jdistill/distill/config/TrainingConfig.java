package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How long and where the student trains.
 *
 * @param epochs passes over the training data (default 3 when steps is not given)
 * @param steps optimizer steps instead of epochs (not with epochs)
 * @param evalEvery evaluate every this many steps; 0 = at the end of each epoch (default 0)
 * @param logEvery log the mean losses of every this many steps (default 50)
 * @param seed seed of the run's generator: initialisation, shuffling, dropout, random layer maps (default 42)
 * @param device cpu or cuda (default cpu)
 * @param dtype f32, or bf16 for mixed precision on cuda (default f32)
 * @param checkpointEvery write a resumable checkpoint every this many steps; 0 = only at the end (default 0)
 * @param output folder for checkpoints, the exported student, metrics and the report (default runs/experiment)
 */
public record TrainingConfig(
    @JsonProperty("epochs") Integer epochs,
    @JsonProperty("steps") Long steps,
    @JsonProperty("eval_every") Long evalEvery,
    @JsonProperty("log_every") Long logEvery,
    @JsonProperty("seed") Long seed,
    @JsonProperty("device") Device device,
    @JsonProperty("dtype") DType dtype,
    @JsonProperty("checkpoint_every") Long checkpointEvery,
    @JsonProperty("output") String output) {

  /** Where the run computes. */
  public enum Device {
    @JsonProperty("cpu") CPU,
    @JsonProperty("cuda") CUDA
  }

  /** The training precision. */
  public enum DType {
    @JsonProperty("f32") F32,
    @JsonProperty("bf16") BF16
  }

  public TrainingConfig {
    if (epochs != null && steps != null) throw new ConfigFieldException("steps", "give epochs or steps, not both");
    if (steps == null) epochs = Checks.or(epochs, 3);
    Checks.positive(epochs, "epochs");
    Checks.positive(steps, "steps");
    evalEvery = Checks.or(evalEvery, 0L);
    logEvery = Checks.or(logEvery, 50L);
    seed = Checks.or(seed, 42L);
    device = Checks.or(device, Device.CPU);
    dtype = Checks.or(dtype, DType.F32);
    checkpointEvery = Checks.or(checkpointEvery, 0L);
    output = Checks.or(output, "runs/experiment");
    Checks.nonNegative(evalEvery, "eval_every");
    Checks.positive(logEvery, "log_every");
    Checks.nonNegative(checkpointEvery, "checkpoint_every");
  }

  /** All defaults. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(null, null, null, null, null, null, null, null, null);
  }
}
