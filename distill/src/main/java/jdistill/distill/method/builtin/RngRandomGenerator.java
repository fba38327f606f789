package jdistill.distill.method.builtin;

import jdistill.engine.Rng;
import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * Commons Math's random generator interface over the run's {@link Rng}, so that its distributions
 * (e.g. MixKD's Beta) draw from the run's seeded, checkpointable stream. It cannot be re-seeded.
 */
final class RngRandomGenerator extends AbstractRandomGenerator {

  private final Rng rng;

  RngRandomGenerator(Rng rng) {
    if (rng == null) throw new IllegalArgumentException("a random generator over the run's generator needs one, got null");
    this.rng = rng;
  }

  @Override
  public void setSeed(long seed) {
    throw new UnsupportedOperationException("this generator draws from the run's generator (seed " + rng.seed() + ") and cannot be re-seeded");
  }

  @Override
  public double nextDouble() {
    return rng.nextDouble();
  }
}
