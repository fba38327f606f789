package jdistill.distill.report;

import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * Measures inference speed as it is in this run: forward passes over one batch in eval mode with
 * recording off, after {@code warmup} untimed passes, timed in {@code rounds} rounds of {@code
 * passes} passes each (each round ends by reading a result back, so device work is included);
 * the best round counts, as the least disturbed by the rest of the machine.
 */
public record SpeedProbe(int warmup, int rounds, int passes) {

  /** Tokens per second (input positions) and milliseconds per forward pass of the measured batch. */
  public record Speed(double tokensPerSecond, double millisPerBatch, int batchSize, int sequenceLength) {}

  public SpeedProbe {
    if (warmup < 0 || rounds < 1 || passes < 1) throw new IllegalArgumentException("speed probe needs warmup >= 0, rounds >= 1, passes >= 1, got " + warmup + ", " + rounds + ", " + passes);
  }

  /** 3 warm-up passes, then the best of 5 rounds of 4 passes. */
  public static SpeedProbe defaults() {
    return new SpeedProbe(3, 5, 4);
  }

  /** Times {@code model} on {@code batch}; the model's train/eval mode is restored afterwards. */
  public Speed measure(DistillModel model, Batch batch) {
    boolean wasTraining = model.module().isTraining();
    model.module().eval();
    double bestSeconds = Double.POSITIVE_INFINITY;
    try (var g = GradMode.noGrad()) {
      for (int i = 0; i < warmup; i++) {
        try (Scope s = Scope.open()) {
          sync(model.forward(batch, new TapRecorder()));
        }
      }
      for (int r = 0; r < rounds; r++) {
        try (Scope s = Scope.open()) {
          long t0 = System.nanoTime();
          ModelOutput out = null;
          for (int i = 0; i < passes; i++) out = model.forward(batch, new TapRecorder());
          sync(out);
          bestSeconds = Math.min(bestSeconds, (System.nanoTime() - t0) / 1e9);
        }
      }
    } finally {
      model.module().train(wasTraining);
    }
    double perPass = bestSeconds / passes;
    long tokens = batch.inputIds().numel();
    return new Speed(tokens / perPass, perPass * 1e3, batch.size(), batch.length());
  }

  private static void sync(ModelOutput out) {
    Tensor t = out.logits() != null ? out.logits() : out.lastHidden();
    t.sum().item();
  }
}
