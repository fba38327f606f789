package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The student's optimizer (AdamW) and learning-rate schedule.
 *
 * @param name the optimizer; only "adamw" (default)
 * @param lr peak learning rate (default 5e-5)
 * @param weightDecay decoupled weight decay (default 0.01)
 * @param betas Adam's beta1, beta2 (default [0.9, 0.999])
 * @param eps Adam's epsilon (default 1e-8)
 * @param warmupSteps linear warm-up steps (default: from warmup_ratio)
 * @param warmupRatio linear warm-up as a fraction of the steps (default 0; not with warmup_steps)
 * @param schedule decay after warm-up: linear to 0, cosine to 0, or constant (default linear)
 * @param maxGradNorm clip the gradient's global L2 norm to this; 0 disables (default 1.0)
 * @param gradAccumulation batches whose gradients add up to one optimizer step (default 1)
 */
public record OptimizerConfig(
    @JsonProperty("name") String name,
    @JsonProperty("lr") Double lr,
    @JsonProperty("weight_decay") Double weightDecay,
    @JsonProperty("betas") List<Double> betas,
    @JsonProperty("eps") Double eps,
    @JsonProperty("warmup_steps") Long warmupSteps,
    @JsonProperty("warmup_ratio") Double warmupRatio,
    @JsonProperty("schedule") Schedule schedule,
    @JsonProperty("max_grad_norm") Double maxGradNorm,
    @JsonProperty("grad_accumulation") Integer gradAccumulation) {

  /** Learning-rate decay after warm-up. */
  public enum Schedule {
    @JsonProperty("linear") LINEAR,
    @JsonProperty("cosine") COSINE,
    @JsonProperty("constant") CONSTANT
  }

  public OptimizerConfig {
    name = Checks.or(name, "adamw");
    if (!name.equals("adamw")) throw new ConfigFieldException("name", "only adamw is available, got '" + name + "'");
    lr = Checks.or(lr, 5e-5);
    weightDecay = Checks.or(weightDecay, 0.01);
    betas = List.copyOf(Checks.or(betas, List.of(0.9, 0.999)));
    eps = Checks.or(eps, 1e-8);
    if (warmupSteps != null && warmupRatio != null) throw new ConfigFieldException("warmup_steps", "give warmup_steps or warmup_ratio, not both");
    if (warmupSteps == null) warmupRatio = Checks.or(warmupRatio, 0.0);
    schedule = Checks.or(schedule, Schedule.LINEAR);
    maxGradNorm = Checks.or(maxGradNorm, 1.0);
    gradAccumulation = Checks.or(gradAccumulation, 1);
    Checks.positive(lr, "lr");
    Checks.nonNegative(weightDecay, "weight_decay");
    if (betas.size() != 2) throw new ConfigFieldException("betas", "expected two numbers [beta1, beta2], got " + betas);
    for (int i = 0; i < 2; i++) {
      if (!(betas.get(i) >= 0 && betas.get(i) < 1)) throw new ConfigFieldException("betas." + i, "expected a number in [0, 1), got " + betas.get(i));
    }
    Checks.positive(eps, "eps");
    Checks.nonNegative(warmupSteps, "warmup_steps");
    Checks.fraction(warmupRatio, "warmup_ratio", false);
    Checks.nonNegative(maxGradNorm, "max_grad_norm");
    Checks.positive(gradAccumulation, "grad_accumulation");
  }

  /** All defaults. */
  public static OptimizerConfig defaults() {
    return new OptimizerConfig(null, null, null, null, null, null, null, null, null, null);
  }

  /** Warm-up steps for a run of {@code totalSteps} optimizer steps. */
  public long warmup(long totalSteps) {
    return warmupSteps != null ? warmupSteps : Math.round(warmupRatio * totalSteps);
  }
}
