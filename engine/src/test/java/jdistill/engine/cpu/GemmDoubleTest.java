package jdistill.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Gemm#dgemm} against a triple loop summed in double-double (error-free products and
 * compensated sums, so the reference itself is exact to ~1e-32), over the shapes of {@link GemmTest}.
 */
class GemmDoubleTest {

  private static final double EPS64 = Math.ulp(1d) / 2;

  static Stream<Arguments> cases() {
    return GemmTest.cases();
  }

  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
  @MethodSource("cases")
  void matchesReference(int m, int n, int k, boolean ta, boolean tb) {
    SplittableRandom rnd = new SplittableRandom(17L * m + 5L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0));
    int lda = (ta ? m : k) + 2;
    int ldb = (tb ? k : n) + 3;
    int ldc = n + 1;
    int aOff = 2;
    int bOff = 5;
    int cOff = 1;
    double[] a = random(rnd, aOff + (ta ? k : m) * lda);
    double[] b = random(rnd, bOff + (tb ? n : k) * ldb);
    for (boolean accumulate : new boolean[] {false, true}) {
      double[] c = random(rnd, cOff + m * ldc + 1);
      double[] c0 = c.clone();
      Gemm.dgemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double hi = accumulate ? c0[cOff + i * ldc + j] : 0;
          double lo = 0;
          double abs = Math.abs(hi);
          for (int p = 0; p < k; p++) {
            double x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            double y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            double prod = x * y;
            lo += Math.fma(x, y, -prod);
            double s = hi + prod; // TwoSum
            double bv = s - hi;
            lo += (hi - (s - bv)) + (prod - bv);
            hi = s;
            abs += Math.abs(prod);
          }
          double expected = hi + lo;
          double tol = 2 * EPS64 * (k + 2) * abs + 1e-300;
          double got = c[cOff + i * ldc + j];
          if (!(Math.abs(got - expected) <= tol)) {
            throw new AssertionError("C[" + i + "][" + j + "] = " + got + ", expected " + expected
                + " +- " + tol + " (accumulate=" + accumulate + ")");
          }
          // relative to the size of the terms the error is far below 1e-12
          if (!(Math.abs(got - expected) <= 1e-12 * Math.max(abs, 1e-300))) {
            throw new AssertionError("C[" + i + "][" + j + "] relative error above 1e-12");
          }
        }
      }
      for (int q = 0; q < c.length; q++) {
        int r = q - cOff;
        boolean inside = r >= 0 && r / ldc < m && r % ldc < n;
        if (!inside && Double.compare(c[q], c0[q]) != 0) {
          throw new AssertionError("element " + q + " outside C changed");
        }
      }
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("jdistill.engine.cpu.GemmTest#transposes")
  void threadsDoNotChangeTheBits(boolean ta, boolean tb) {
    int m = 203, n = 157, k = 900;
    SplittableRandom rnd = new SplittableRandom(9);
    double[] a = random(rnd, m * k);
    double[] b = random(rnd, k * n);
    double[] serial = new double[m * n];
    Gemm.dgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, serial, 0, n, false, false);
    double[] par = new double[m * n];
    Gemm.dgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, par, 0, n, false);
    assertArrayEquals(serial, par, "parallel result differs from the single-thread one");
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.dgemm(true, false, 2, 2, 3, new double[6], 0, 1, new double[6], 0, 2, new double[4], 0, 2, false));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.dgemm(false, false, 2, 2, 3, new double[6], 0, 3, new double[6], 0, 2, new double[3], 0, 2, false));
  }

  private static double[] random(SplittableRandom rnd, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) x[i] = rnd.nextDouble() * 2 - 1;
    // a few exact zeros and large values so that the relative check sees some cancellation
    for (int i = 0; i < size; i += 97) x[i] = 0;
    for (int i = 13; i < size; i += 101) x[i] *= 1e3;
    return x;
  }
}
