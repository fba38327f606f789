package jdistill.engine.optim;

import jdistill.engine.Tensor;

/**
 * Gradient accumulation over {@code k} micro-batches: backward of each micro-batch loss scaled by
 * {@code 1/k} adds into the parameters' gradients (they accumulate across backward passes until
 * {@link Optimizer#zeroGrad()}), so after k equal-sized micro-batches of a mean loss the gradients
 * equal those of one batch k times as large. Use:
 *
 * <pre>{@code
 * var acc = new GradAccumulator(k);
 * for (batch : microBatches) {
 *   try (var s = Scope.open()) {
 *     if (acc.backward(lossOf(batch))) { schedule.applyTo(opt); opt.step(); opt.zeroGrad(); }
 *   }
 * }
 * }</pre>
 */
public final class GradAccumulator {

  private final int microBatches;
  private int pending;

  public GradAccumulator(int microBatches) {
    if (microBatches < 1) throw new IllegalArgumentException("gradient accumulation needs at least 1 micro-batch per step, got " + microBatches);
    this.microBatches = microBatches;
  }

  /** The number of micro-batches per optimizer step. */
  public int microBatches() {
    return microBatches;
  }

  /** Micro-batches accumulated since the last step. */
  public int pending() {
    return pending;
  }

  /** The factor each micro-batch loss is multiplied by: {@code 1/k}. */
  public double lossScale() {
    return 1.0 / microBatches;
  }

  /**
   * Runs backward of {@code loss / k} (a one-element tensor); returns true when this was the k-th
   * micro-batch, i.e. when the caller should now step the optimizer and zero the gradients.
   */
  public boolean backward(Tensor loss) {
    if (microBatches == 1) {
      loss.backward();
    } else {
      // as [1], not 0-d: the CPU pointwise loop cannot yet walk rank-0 tensors
      (loss.rank() == 0 ? loss.reshape(1) : loss).mul(lossScale()).backward();
    }
    pending++;
    if (pending == microBatches) {
      pending = 0;
      return true;
    }
    return false;
  }
}
