package jdistill.bench.step;

import java.util.Locale;

/**
 * The figures of one step-benchmark run.
 *
 * @param stepSeconds every timed step's wall time (device synchronised at both ends)
 * @param peakTflops the device's peak used for MFU, NaN when unknown
 * @param peakMemoryBytes peak device memory in use over the timed steps, -1 where not tracked
 * @param losses the loss of every step, warm-up included
 */
public record StepResult(StepConfig config, String deviceDescription, double[] stepSeconds, double peakTflops, long peakMemoryBytes, double[] losses) {

  /** The median step time. */
  public double medianSeconds() {
    return Stats.median(stepSeconds);
  }

  /** Tokens per second at the median step time. */
  public double tokensPerSecond() {
    return config.tokens() / medianSeconds();
  }

  /** Model TFLOP/s achieved at the median step time. */
  public double achievedTflops() {
    return config.flopsPerStep() / medianSeconds() / 1e12;
  }

  /** Model FLOP utilisation (0..1), NaN when the peak is unknown. */
  public double mfu() {
    return achievedTflops() / peakTflops;
  }

  /** True when every loss is finite. */
  public boolean lossesFinite() {
    for (double l : losses) if (!Double.isFinite(l)) return false;
    return true;
  }

  /** The human-readable report. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    StepConfig c = config;
    sb.append(String.format(Locale.ROOT, "distillation step: teacher %s, student %s, seq %d, batch %d, vocab %d, heads %d/%d, %s on %s%n",
        c.teacher(), c.student(), c.seq(), c.batch(), c.vocab(), c.teacher().width() / c.headDim(), c.student().width() / c.headDim(),
        c.dtype().name().toLowerCase(Locale.ROOT), deviceDescription));
    sb.append(String.format(Locale.ROOT, "steps: %d warm-up, %d timed; median %.2f ms, best %.2f ms%n",
        c.warmup(), stepSeconds.length, medianSeconds() * 1e3, Stats.min(stepSeconds) * 1e3));
    sb.append(String.format(Locale.ROOT, "tokens/s: %.1f%n", tokensPerSecond()));
    sb.append(String.format(Locale.ROOT, "model FLOPs/step: %.4g (6N_s+12L_sSW_s + 2N_t+4L_tSW_t per token; N_s=%d, N_t=%d)%n",
        c.flopsPerStep(), FlopCount.matrixParams(c.student(), c.vocab()), FlopCount.matrixParams(c.teacher(), c.vocab())));
    sb.append(String.format(Locale.ROOT, "achieved: %.3f TFLOP/s; MFU: %s%n", achievedTflops(),
        Double.isFinite(peakTflops) ? String.format(Locale.ROOT, "%.1f%% of %.0f TFLOP/s", 100 * mfu(), peakTflops) : "n/a (peak unknown: pass --peak-tflops)"));
    sb.append("peak device memory: ").append(peakMemoryBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GiB", peakMemoryBytes / (double) (1L << 30))).append('\n');
    sb.append(String.format(Locale.ROOT, "loss: first %.4f, last %.4f%n", losses[0], losses[losses.length - 1]));
    return sb.toString();
  }

  /** The one-line JSON summary (the same keys as bench/pytorch/distill_step.py prints). */
  public String json() {
    StepConfig c = config;
    return new JsonLine()
        .put("bench", "distill_step")
        .put("impl", "jdistill")
        .put("device", c.device().toString())
        .put("device_name", deviceDescription)
        .put("dtype", c.dtype().name().toLowerCase(Locale.ROOT))
        .put("teacher", c.teacher().toString())
        .put("student", c.student().toString())
        .put("seq", c.seq())
        .put("batch", c.batch())
        .put("vocab", c.vocab())
        .put("head_dim", c.headDim())
        .put("warmup", c.warmup())
        .put("steps", stepSeconds.length)
        .put("median_step_ms", medianSeconds() * 1e3)
        .put("tokens_per_s", tokensPerSecond())
        .put("flops_per_step", c.flopsPerStep())
        .put("achieved_tflops", achievedTflops())
        .put("peak_tflops", peakTflops)
        .put("mfu", mfu())
        .put("peak_mem_bytes", peakMemoryBytes < 0 ? null : peakMemoryBytes)
        .put("loss_last", losses[losses.length - 1])
        .toString();
  }
}
