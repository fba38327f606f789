package jdistill.engine;

/**
 * The run's seeded random generator. Its whole state is two longs (seed and position), so a
 * checkpoint can save and restore it exactly, and two runs with one seed draw the same numbers.
 * Draws are {@link CounterRng} values at successive positions.
 */
public final class Rng {

  private final long seed;
  private long position;

  public Rng(long seed) {
    this(seed, 0);
  }

  /** A generator resumed at a saved position. */
  public Rng(long seed, long position) {
    this.seed = seed;
    this.position = position;
  }

  public long seed() {
    return seed;
  }

  /** How many 64-bit draws have been taken; with {@link #seed()} the whole state. */
  public long position() {
    return position;
  }

  public long nextLong() {
    return CounterRng.bits(seed, position++);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
    return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
  }

  /** Standard normal (Box-Muller; uses two draws). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** A fresh seed for a counter-based stream (dropout masks), derived from this generator. */
  public long nextStreamSeed() {
    return nextLong();
  }

  /** Shuffles {@code a} in place (Fisher-Yates). */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
