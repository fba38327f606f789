package jdistill.distill.metrics;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Correlation of regression predictions with targets (Commons Math). Undefined values are NaN:
 * a constant vector has no variance, so its Pearson and Spearman correlations are NaN (as in
 * scipy); reports should print them as such rather than as 0.
 */
public final class Correlation {

  private Correlation() {}

  /** Pearson's r; NaN when either vector is constant. */
  public static double pearson(double[] predicted, double[] targets) {
    check(predicted, targets);
    return new PearsonsCorrelation().correlation(predicted, targets);
  }

  /** Spearman's rank correlation (ties get their average rank); NaN when either is constant. */
  public static double spearman(double[] predicted, double[] targets) {
    check(predicted, targets);
    return new SpearmansCorrelation().correlation(predicted, targets);
  }

  private static void check(double[] predicted, double[] targets) {
    if (predicted.length != targets.length) {
      throw new IllegalArgumentException(predicted.length + " predictions for " + targets.length + " targets");
    }
    if (targets.length < 2) throw new IllegalArgumentException("a correlation needs at least 2 pairs, got " + targets.length);
  }
}
