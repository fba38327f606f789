package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * Test data and comparisons shared by the engine tests: random F64 leaves (contiguous or
 * deliberately strided), values kept away from kinks, and element-wise closeness assertions that
 * name the first differing element.
 */
final class TestSupport {

  private TestSupport() {}

  /** Uniform values in [lo, hi) as a contiguous F64 tensor. */
  static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
    double[] v = new double[(int) Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
    return Tensor.of(v, shape);
  }

  /** Values in [-1, 1) with |x| >= minAbs (away from the kinks of relu, abs, sign). */
  static Tensor awayFromZero(Rng rng, double minAbs, int... shape) {
    double[] v = new double[(int) Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      double m = minAbs + (1 - minAbs) * rng.nextDouble();
      v[i] = rng.nextDouble() < 0.5 ? -m : m;
    }
    return Tensor.of(v, shape);
  }

  /**
   * Values that are pairwise at least {@code 0.05} apart (a shuffled ladder plus small noise), so
   * maxima, minima and comparisons have no ties within finite-difference steps.
   */
  static Tensor distinct(Rng rng, int... shape) {
    int n = (int) Shapes.numel(shape);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    rng.shuffle(perm);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = -1 + 2.0 * (perm[i] + 0.5) / n + 0.01 / n * (rng.nextDouble() - 0.5);
    return Tensor.of(v, shape);
  }

  /** Makes a contiguous F64 tensor of a shape (one of the value distributions above). */
  @FunctionalInterface
  interface Gen {
    Tensor make(Rng rng, int... shape);
  }

  /** How a test leaf is laid out in its storage. */
  enum Layout {
    /** Row-major, offset 0. */
    CONTIGUOUS,
    /** Last two dims swapped in storage (a transposed view). */
    TRANSPOSED,
    /** A window of a larger tensor: non-zero offset and gaps between rows. */
    NARROWED,
    /** Dims stored in reverse order (a full permutation view). */
    PERMUTED
  }

  /** A leaf of {@code shape} with values from {@code gen}, laid out as {@code layout}. */
  static Tensor leaf(Layout layout, Gen gen, Rng rng, int... shape) {
    int r = shape.length;
    Tensor t = switch (layout) {
      case CONTIGUOUS -> gen.make(rng, shape);
      case TRANSPOSED -> {
        if (r < 2) yield gen.make(rng, shape);
        int[] swapped = shape.clone();
        swapped[r - 1] = shape[r - 2];
        swapped[r - 2] = shape[r - 1];
        yield gen.make(rng, swapped).mT();
      }
      case NARROWED -> {
        if (r == 0) yield gen.make(rng, shape);
        if (r == 1) yield gen.make(rng, shape[0] + 5).narrow(0, 2, shape[0]);
        int[] big = shape.clone();
        big[0] += 2;
        big[r - 1] += 3;
        yield gen.make(rng, big).narrow(0, 1, shape[0]).narrow(-1, 2, shape[r - 1]);
      }
      case PERMUTED -> {
        int[] rev = new int[r];
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
          rev[i] = shape[r - 1 - i];
          perm[i] = r - 1 - i;
        }
        yield gen.make(rng, rev).permute(perm);
      }
    };
    return t.detach();
  }

  /** Uniform [-1, 1) leaf laid out as {@code layout}. */
  static Tensor leaf(Layout layout, Rng rng, int... shape) {
    return leaf(layout, (g, s) -> uniform(g, -1, 1, s), rng, shape);
  }

  /** The shape-[n] I64 tensor of {@code values}. */
  static Tensor longs(long... values) {
    return Tensor.ofLongs(values, values.length);
  }

  /** Asserts |expected - actual| <= atol + rtol |expected| element-wise, naming the first failure. */
  static void assertClose(double[] expected, double[] actual, double atol, double rtol, String what) {
    assertEquals(expected.length, actual.length, what + ": element count");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isNaN(a)) {
        if (Double.isNaN(e) != Double.isNaN(a)) fail(what + ": element " + i + ": expected " + e + ", got " + a);
        continue;
      }
      if (Double.isInfinite(e) || Double.isInfinite(a)) {
        if (e != a) fail(what + ": element " + i + ": expected " + e + ", got " + a);
        continue;
      }
      if (Math.abs(e - a) > atol + rtol * Math.abs(e)) {
        fail(what + ": element " + i + ": expected " + e + ", got " + a + " (diff " + Math.abs(e - a) + ")");
      }
    }
  }

  /** {@link #assertClose(double[], double[], double, double, String)} on two tensors, shapes included. */
  static void assertClose(Tensor expected, Tensor actual, double atol, double rtol, String what) {
    if (!Arrays.equals(expected.shape(), actual.shape())) {
      fail(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
    }
    assertClose(expected.toDoubleArray(), actual.toDoubleArray(), atol, rtol, what);
  }

  /** Widens floats to doubles. */
  static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
