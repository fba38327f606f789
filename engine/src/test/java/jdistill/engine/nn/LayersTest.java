package jdistill.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jdistill.engine.CounterRng;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class LayersTest {

  @Test
  void linearInitMatchesTorchBoundsAndDrawOrder() {
    int in = 5;
    int out = 3;
    Linear lin = new Linear(in, out, true, new Rng(42));
    double bound = 1 / Math.sqrt(in);
    Rng ref = new Rng(42);
    float[] w = new float[out * in];
    for (int i = 0; i < w.length; i++) w[i] = (float) (-bound + 2 * bound * ref.nextDouble());
    float[] b = new float[out];
    for (int i = 0; i < b.length; i++) b[i] = (float) (-bound + 2 * bound * ref.nextDouble());
    assertArrayEquals(w, lin.weight().tensor().toFloatArray());
    assertArrayEquals(b, lin.bias().tensor().toFloatArray());
    assertArrayEquals(new int[] {out, in}, lin.weight().shape());
    for (float v : w) assertTrue(Math.abs(v) <= bound);

    Linear noBias = new Linear(in, out, false, new Rng(1));
    assertNull(noBias.bias());
    assertEquals(1, noBias.namedParameters().size());
  }

  @Test
  void linearForwardIsXWTransposePlusB() {
    Linear lin = new Linear(2, 3, true, new Rng(7));
    lin.weight().copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
    lin.bias().copyFrom(Tensor.of(new float[] {0.5f, -1, 2}, 3));
    Tensor y = lin.forward(Tensor.of(new float[] {1, 1, 2, -1}, 2, 2));
    assertArrayEquals(new float[] {3.5f, 6, 13, 0.5f, 1, 6}, y.toFloatArray());
    var e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.ones(2, 3)));
    assertTrue(e.getMessage().contains("expected 2"), e.getMessage());
  }

  @Test
  void layerNormStartsAsPlainNormalisation() {
    LayerNorm ln = new LayerNorm(4, 1e-5);
    assertArrayEquals(new float[] {1, 1, 1, 1}, ln.weight().tensor().toFloatArray());
    assertArrayEquals(new float[] {0, 0, 0, 0}, ln.bias().tensor().toFloatArray());
    float[] y = ln.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)).toFloatArray();
    double sd = Math.sqrt(1.25 + 1e-5);
    assertArrayEquals(new float[] {(float) (-1.5 / sd), (float) (-0.5 / sd), (float) (0.5 / sd), (float) (1.5 / sd)}, y, 1e-5f);
  }

  @Test
  void embeddingInitAndLookup() {
    Embedding emb = new Embedding(6, 3, 0.02, new Rng(9));
    Rng ref = new Rng(9);
    float[] expect = new float[18];
    for (int i = 0; i < expect.length; i++) expect[i] = (float) (ref.nextGaussian() * 0.02);
    assertArrayEquals(expect, emb.weight().tensor().toFloatArray());
    float[] rows = emb.forward(Tensor.ofLongs(new long[] {5, 0}, 2)).toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(expect, 15, 18), Arrays.copyOfRange(rows, 0, 3));
    assertArrayEquals(Arrays.copyOfRange(expect, 0, 3), Arrays.copyOfRange(rows, 3, 6));
  }

  /** The mask torch-style inverted dropout draws for stream {@code seed}: CounterRng uniforms at offsets 0..n-1. */
  private static float[] expectedDropout(float[] x, double p, long seed) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) out[i] = CounterRng.uniform(seed, i) >= p ? (float) (x[i] * (1 / (1 - p))) : 0f;
    return out;
  }

  @Test
  void dropoutDrawsANewReproducibleMaskPerCall() {
    float[] x = new float[64];
    for (int i = 0; i < x.length; i++) x[i] = i + 1;
    Tensor xt = Tensor.of(x, 8, 8);
    Rng rng = new Rng(123);
    Dropout d = new Dropout(0.25, rng);
    float[] first = d.forward(xt).toFloatArray();
    float[] second = d.forward(xt).toFloatArray();
    assertEquals(2, rng.position(), "one stream seed per call");

    Rng ref = new Rng(123);
    assertArrayEquals(expectedDropout(x, 0.25, ref.nextStreamSeed()), first, 1e-5f);
    assertArrayEquals(expectedDropout(x, 0.25, ref.nextStreamSeed()), second, 1e-5f);
    assertFalse(Arrays.equals(first, second), "successive calls use different masks");
    int zeros = 0;
    for (float v : first) zeros += v == 0 ? 1 : 0;
    assertTrue(zeros > 5 && zeros < 30, "about a quarter dropped, got " + zeros);

    Dropout again = new Dropout(0.25, new Rng(123));
    assertArrayEquals(first, again.forward(xt).toFloatArray(), "same seed, same masks");
    // resumed generator (seed + position) replays the second mask
    assertArrayEquals(second, new Dropout(0.25, new Rng(123, 1)).forward(xt).toFloatArray());
  }

  @Test
  void dropoutIsIdentityInEvalAndAtZero() {
    Tensor x = Tensor.ones(3, 3);
    Rng rng = new Rng(1);
    Dropout d = new Dropout(0.5, rng);
    d.eval();
    assertSame(x, d.forward(x));
    assertSame(x, new Dropout(0.0, rng).forward(x));
    assertEquals(0, rng.position(), "no draws when inactive");
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, rng));
  }
}
