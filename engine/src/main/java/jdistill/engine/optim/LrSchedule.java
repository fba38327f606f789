package jdistill.engine.optim;

/**
 * The learning rate as a function of the number of optimizer steps already taken ({@code step} =
 * 0 for the first update), with the conventions of Hugging Face's schedulers: during warm-up the
 * rate is {@code peak * step / warmup}, so the very first update uses rate 0 when there is a
 * warm-up. Call {@link #applyTo} before each {@link Optimizer#step}.
 */
public interface LrSchedule {

  /** The learning rate for the update that follows {@code step} completed updates. */
  double lr(long step);

  /** Sets the optimizer's rate for its next step. */
  default void applyTo(Optimizer optimizer) {
    optimizer.setLr(lr(optimizer.stepCount()));
  }

  static LrSchedule constant(double lr) {
    return new Constant(lr);
  }

  /** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then linear decay to 0 at {@code total}. */
  static LrSchedule linear(double peak, long warmup, long total) {
    return new LinearWarmupDecay(peak, warmup, total);
  }

  /**
   * Linear warm-up to {@code peak}, then half a cosine from {@code peak} down to {@code peak *
   * minRatio} at {@code total}; stays there afterwards.
   */
  static LrSchedule cosine(double peak, long warmup, long total, double minRatio) {
    return new CosineWarmup(peak, warmup, total, minRatio);
  }

  /** A fixed rate. */
  record Constant(double lr) implements LrSchedule {
    public Constant {
      check(lr);
    }

    @Override
    public double lr(long step) {
      return lr;
    }
  }

  /** HF's {@code get_linear_schedule_with_warmup}. */
  record LinearWarmupDecay(double peak, long warmup, long total) implements LrSchedule {
    public LinearWarmupDecay {
      check(peak);
      checkSteps(warmup, total);
    }

    @Override
    public double lr(long step) {
      if (step < warmup) return peak * step / warmup;
      return peak * Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
    }
  }

  /** HF's {@code get_cosine_with_min_lr_schedule_with_warmup} (half a cycle), held at the minimum after {@code total}. */
  record CosineWarmup(double peak, long warmup, long total, double minRatio) implements LrSchedule {
    public CosineWarmup {
      check(peak);
      checkSteps(warmup, total);
      if (!(minRatio >= 0 && minRatio <= 1)) throw new IllegalArgumentException("cosine schedule: minRatio must be in [0, 1], got " + minRatio);
    }

    @Override
    public double lr(long step) {
      if (step < warmup) return peak * step / warmup;
      double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
      double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
      return peak * (minRatio + (1 - minRatio) * cosine);
    }
  }

  private static void check(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
  }

  private static void checkSteps(long warmup, long total) {
    if (warmup < 0 || total < 0 || warmup > total) {
      throw new IllegalArgumentException("schedule steps must satisfy 0 <= warmup <= total, got warmup " + warmup + ", total " + total);
    }
  }
}
