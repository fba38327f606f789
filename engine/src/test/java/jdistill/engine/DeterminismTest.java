package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdistill.engine.ops.Reduction;
import org.junit.jupiter.api.Test;

/**
 * The same seeded computation, forward and backward, on tensors big enough to be split across
 * the CPU pool, gives bit-identical results every time, also when two runs share the pool.
 */
class DeterminismTest {

  /** A few training-step-like ops on 200x300 tensors; returns every output and gradient as raw float bits. */
  private static List<int[]> step(long seed) {
    try (Scope scope = Scope.open()) {
      Rng rng = new Rng(seed);
      Tensor x = Tensor.randn(rng, 1.0, 200, 300);
      Tensor w = Tensor.randn(rng, 0.05, 300, 300).requiresGrad(true);
      Tensor g = Tensor.uniform(rng, 0.5, 1.5, 300).requiresGrad(true);
      Tensor b = Tensor.randn(rng, 0.1, 300).requiresGrad(true);
      Tensor teacher = Tensor.randn(rng, 2.0, 200, 300);
      long[] t = new long[200];
      for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(300);
      Tensor h = x.matmul(w).gelu();
      h = F.dropout(h, 0.1, rng.nextStreamSeed(), 0);
      h = F.layerNorm(h, g, b, 1e-5);
      Tensor p = h.softmax(-1);
      Tensor mixed = p.mT().matmul(h).sum(0, false);
      Tensor loss = F.crossEntropy(h, Tensor.ofLongs(t, 200), -100, 0.1, Reduction.MEAN)
          .add(F.klDiv(h, teacher, 2.0, null))
          .add(mixed.mean())
          .add(h.logSoftmax(0).mean());
      loss.backward();
      List<int[]> out = new ArrayList<>();
      for (Tensor r : new Tensor[] {loss, h, p, mixed, w.grad(), g.grad(), b.grad()}) out.add(bits(r.toFloatArray()));
      return out;
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
    return b;
  }

  private static void assertSameBits(List<int[]> a, List<int[]> b, String what) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), what + ": result " + i + " differs");
  }

  @Test
  void repeatedRunsAreBitIdentical() throws Exception {
    List<int[]> first = step(42);
    List<int[]> second = step(42);
    assertSameBits(first, second, "second run");
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      Future<List<int[]>> a = two.submit(() -> step(42));
      Future<List<int[]>> b = two.submit(() -> step(42));
      assertSameBits(first, a.get(), "concurrent run A");
      assertSameBits(first, b.get(), "concurrent run B");
    } finally {
      two.shutdown();
    }
    List<int[]> other = step(43);
    assertFalse(java.util.Arrays.equals(first.get(0), other.get(0)), "another seed gives another loss");
  }

  @Test
  void dropoutMasksDependOnlyOnSeedAndOffset() {
    Tensor x = Tensor.ones(300, 200);
    float[] a = F.dropout(x, 0.5, 7, 1000).toFloatArray();
    float[] b = F.dropout(x, 0.5, 7, 1000).toFloatArray();
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, F.dropout(x, 0.5, 7, 1001).toFloatArray()), "another offset, another mask");
    // a window of the stream: elements from offset 1000 + 200 equal row 1 of the first mask
    float[] shifted = F.dropout(Tensor.ones(200), 0.5, 7, 1200).toFloatArray();
    assertArrayEquals(java.util.Arrays.copyOfRange(a, 200, 400), shifted);
  }

  @Test
  void rngResumesFromSeedAndPosition() {
    Rng a = new Rng(5);
    for (int i = 0; i < 7; i++) a.nextGaussian();
    Rng resumed = new Rng(a.seed(), a.position());
    for (int i = 0; i < 20; i++) assertEquals(a.nextLong(), resumed.nextLong(), "draw " + i + " after resuming");
    assertEquals(14 + 20, a.position(), "a Gaussian takes two draws");
  }
}
