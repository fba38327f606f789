package jdistill.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Gemm#sgemm} against a triple loop in double, over layouts, edge sizes, strides, threads. */
class GemmTest {

  private static final double EPS32 = Math.ulp(1f) / 2;
  /** Marks array elements outside the matrices; they must come back unchanged. */
  private static final float GUARD = -12345.5f;

  /** (m, n, k): tile edges (6 x 32), k blocks (768), single rows / columns, parallel sizes. */
  static final int[][] SHAPES = {
    {1, 1, 1}, {1, 17, 63}, {3, 1, 65}, {2, 5, 7}, {5, 100, 1}, {17, 63, 65}, {63, 65, 17},
    {65, 129, 3}, {6, 32, 768}, {7, 33, 769}, {12, 64, 1600}, {64, 64, 64}, {1, 257, 300},
    {300, 1, 257}, {129, 257, 65}, {257, 129, 129}, {2000, 40, 40}, {1600, 40, 8}
  };

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] s : SHAPES) {
      for (int t = 0; t < 4; t++) {
        out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
  @MethodSource("cases")
  void matchesReference(int m, int n, int k, boolean ta, boolean tb) {
    SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0));
    Layout la = new Layout(ta ? k : m, ta ? m : k, 3, 5);
    Layout lb = new Layout(tb ? n : k, tb ? k : n, 1, 2);
    Layout lc = new Layout(m, n, 4, 3);
    float[] a = la.random(rnd);
    float[] b = lb.random(rnd);
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] c = lc.random(rnd);
      float[] c0 = c.clone();
      Gemm.sgemm(ta, tb, m, n, k, a, la.off(), la.ld(), b, lb.off(), lb.ld(), c, lc.off(), lc.ld(), accumulate);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            double x = (double) la.get(a, ta ? p : i, ta ? i : p) * lb.get(b, tb ? j : p, tb ? p : j);
            sum += x;
            abs += Math.abs(x);
          }
          double start = accumulate ? lc.get(c0, i, j) : 0;
          double tol = 2 * EPS32 * (k + 2) * (abs + Math.abs(start)) + 1e-30;
          double got = lc.get(c, i, j);
          if (!(Math.abs(got - (start + sum)) <= tol)) {
            throw new AssertionError("C[" + i + "][" + j + "] = " + got + ", expected " + (start + sum)
                + " +- " + tol + " (accumulate=" + accumulate + ")");
          }
        }
      }
      lc.assertOutsideUnchanged(c, c0);
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("transposes")
  void threadsDoNotChangeTheBits(boolean ta, boolean tb) {
    int m = 301, n = 203, k = 1000; // two k blocks, edge tiles on both sides, parallel
    SplittableRandom rnd = new SplittableRandom(5);
    float[] a = randomArray(rnd, m * k);
    float[] b = randomArray(rnd, k * n);
    float[] c0 = randomArray(rnd, m * n);
    float[] serial = c0.clone();
    Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, serial, 0, n, true, false);
    for (int rep = 0; rep < 3; rep++) {
      float[] par = c0.clone();
      Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, par, 0, n, true);
      assertArrayEquals(serial, par, "parallel result differs from the single-thread one");
    }
  }

  static Stream<Arguments> transposes() {
    return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false),
        Arguments.of(true, true));
  }

  @Test
  void overwriteIgnoresOldContents() {
    float[] a = {1, 2, 3, 4};
    float[] b = {5, 6, 7, 8};
    float[] c = {Float.NaN, Float.NaN, Float.POSITIVE_INFINITY, Float.NaN};
    Gemm.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c);
    Gemm.sgemm(false, true, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, true);
    assertArrayEquals(new float[] {19 + 17, 22 + 23, 43 + 39, 50 + 53}, c);
  }

  @Test
  void emptyProducts() {
    float[] c = {1, 2, 3, 4};
    Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true);
    assertArrayEquals(new float[] {1, 2, 3, 4}, c);
    Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[] {0, 0, 0, 0}, c);
    Gemm.sgemm(false, false, 0, 2, 3, new float[0], 0, 3, new float[6], 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[] {0, 0, 0, 0}, c);
  }

  @Test
  void rejectsBadArguments() {
    float[] a = new float[6];
    float[] b = new float[6];
    float[] c = new float[4];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, a, 0, 2, b, 0, 2, c, 0, 2, false));
    assertTrue(e.getMessage().contains("A") && e.getMessage().contains("leading dimension must be at least 3"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2, false));
    assertTrue(e.getMessage().contains("needs 7 array elements but the array has 6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, true, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
    assertTrue(e.getMessage().contains("B (transposed, stored 2 x 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, null, 0, 2, false));
  }

  @Test
  void smallIntegerProductIsExact() {
    // integers small enough that every partial sum is exact in fp32, whatever the order
    int m = 70, n = 70, k = 70;
    SplittableRandom rnd = new SplittableRandom(3);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) a[i] = rnd.nextInt(-8, 9);
    for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(-8, 9);
    float[] c = new float[m * n];
    Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int s = 0;
        for (int p = 0; p < k; p++) s += (int) a[i * k + p] * (int) b[p * n + j];
        assertEquals(s, c[i * n + j], "C[" + i + "][" + j + "]");
      }
    }
  }

  private static float[] randomArray(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
    return x;
  }

  /** A rows x cols matrix placed at an offset with extra row padding, the rest of the array GUARD. */
  private record Layout(int rows, int cols, int off, int pad) {
    int ld() {
      return Math.max(1, cols + pad);
    }

    int size() {
      return off + rows * ld() + 2;
    }

    float[] random(SplittableRandom rnd) {
      float[] x = new float[size()];
      java.util.Arrays.fill(x, GUARD);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) x[off + i * ld() + j] = (float) (rnd.nextDouble() * 2 - 1);
      }
      return x;
    }

    float get(float[] x, int i, int j) {
      return x[off + i * ld() + j];
    }

    void assertOutsideUnchanged(float[] now, float[] before) {
      for (int q = 0; q < now.length; q++) {
        int r = q - off;
        boolean inside = r >= 0 && r / ld() < rows && r % ld() < cols;
        if (!inside && Float.compare(now[q], before[q]) != 0) {
          throw new AssertionError("element " + q + " outside C changed: " + before[q] + " -> " + now[q]);
        }
      }
    }
  }
}
