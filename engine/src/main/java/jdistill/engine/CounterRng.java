package jdistill.engine;

/**
 * A counter-based random generator: the i-th number of a stream is a pure function of (seed, i),
 * so any backend, thread or kernel can draw it independently and all draw the same values. The
 * mixing function is SplitMix64's finaliser over {@code seed + i * golden gamma}.
 */
public final class CounterRng {

  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private CounterRng() {}

  /** 64 random bits for position {@code counter} of stream {@code seed}. */
  public static long bits(long seed, long counter) {
    long z = seed + (counter + 1) * GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A float uniform in [0, 1) with 24 random bits (exactly representable). */
  public static float uniform(long seed, long counter) {
    return (bits(seed, counter) >>> 40) * 0x1.0p-24f;
  }

  /** A double uniform in [0, 1) with 53 random bits. */
  public static double uniformDouble(long seed, long counter) {
    return (bits(seed, counter) >>> 11) * 0x1.0p-53;
  }

  /** A standard normal deviate (Box-Muller over positions 2*counter and 2*counter+1). */
  public static double normal(long seed, long counter) {
    double u1 = 1.0 - uniformDouble(seed, 2 * counter);
    double u2 = uniformDouble(seed, 2 * counter + 1);
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
