package jdistill.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jdistill.engine.Tensor;

/**
 * The element-wise comparison of the device parity tests (shared with other modules through the
 * engine's test jar): element i passes when {@code |actual - expected| <= rtol * (|expected| +
 * scale)}, scale being the mean |expected| of the tensor, or {@code floor} when that is larger;
 * relative, with a floor at the data's own magnitude so that values near zero produced by
 * cancellation are judged against it. Non-finite expected values must match exactly.
 */
public final class Closeness {

  private Closeness() {}

  /** Asserts {@code actual} matches {@code expected} (any dtypes and devices, same shape). */
  public static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
    assertClose(what, expected, actual, rtol, 0);
  }

  /** As {@link #assertClose(String, Tensor, Tensor, double)} with the scale at least {@code floor}. */
  public static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double floor) {
    if (!Arrays.equals(expected.shape(), actual.shape())) {
      fail(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
    }
    assertClose(what, expected.toDoubleArray(), actual.toDoubleArray(), rtol, floor);
  }

  public static void assertClose(String what, double[] e, double[] a, double rtol, double floor) {
    if (e.length != a.length) fail(what + ": " + a.length + " elements, expected " + e.length);
    double scale = 0;
    int finite = 0;
    for (double v : e) {
      if (Double.isFinite(v)) {
        scale += Math.abs(v);
        finite++;
      }
    }
    scale = Math.max(finite == 0 ? 0 : scale / finite, floor);
    int worst = -1;
    double worstRatio = 0;
    int bad = 0;
    for (int i = 0; i < e.length; i++) {
      boolean ok;
      double ratio;
      if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
        ok = Double.compare(e[i], a[i]) == 0;
        ratio = ok ? 0 : Double.POSITIVE_INFINITY;
      } else if (!Double.isFinite(a[i])) {
        ok = false;
        ratio = Double.POSITIVE_INFINITY;
      } else {
        double tol = rtol * (Math.abs(e[i]) + scale);
        double err = Math.abs(a[i] - e[i]);
        ok = err <= tol || err == 0;
        ratio = tol == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / tol;
      }
      if (!ok) bad++;
      if (ratio > worstRatio || worst < 0) {
        worstRatio = ratio;
        worst = i;
      }
    }
    if (bad > 0) {
      fail(String.format(Locale.ROOT, "%s: %d of %d elements off (rtol %.1e, scale %.3e); worst at %d: expected %s, got %s", what, bad, e.length,
          rtol, scale, worst, e[worst], a[worst]));
    }
  }

  /** The mean |value| over all elements of {@code tensors} (a floor for values that are zero in exact arithmetic). */
  public static double meanAbs(List<Tensor> tensors) {
    double sum = 0;
    long n = 0;
    for (Tensor t : tensors) {
      for (double v : t.toDoubleArray()) sum += Math.abs(v);
      n += t.numel();
    }
    return sum / Math.max(1, n);
  }
}
