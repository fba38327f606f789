package jdistill.engine.nn;

import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;

/**
 * Inverted dropout with probability {@code p}, active only in training mode. Each call draws a
 * fresh stream seed from the run's {@link Rng} and uses the counter-based mask at offset 0 of
 * that stream, so each call gets a new mask and the whole dropout state is the run's Rng (seed
 * and position), which a checkpoint already saves: resuming from it replays the same masks.
 */
public final class Dropout extends Module {

  private final double p;
  private final Rng rng;

  public Dropout(double p, Rng rng) {
    if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    if (rng == null && p > 0) throw new IllegalArgumentException("Dropout with p=" + p + " needs the run's Rng");
    this.p = p;
    this.rng = rng;
  }

  /** {@code x} itself in eval mode or when p is 0; otherwise x with a new mask applied. */
  public Tensor forward(Tensor x) {
    if (!isTraining() || p == 0) return x;
    return F.dropout(x, p, rng.nextStreamSeed(), 0);
  }

  public double p() {
    return p;
  }
}
