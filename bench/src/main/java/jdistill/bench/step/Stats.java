package jdistill.bench.step;

import java.util.Arrays;

/** Small statistics over timings. */
public final class Stats {

  private Stats() {}

  /** The median (mean of the two middle values for an even count). */
  public static double median(double[] xs) {
    if (xs.length == 0) throw new IllegalArgumentException("median of no values");
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /** The smallest value. */
  public static double min(double[] xs) {
    return Arrays.stream(xs).min().orElseThrow();
  }
}
