package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;
import static jdistill.engine.TestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jdistill.engine.TestSupport.Layout;
import jdistill.engine.ops.Attention;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks of the fused neural-network ops with hand-written backwards: softmax and
 * log-softmax along every dim, layer norm, embedding, index_select, gather, dropout and attention.
 */
class NnGradTest {

  @Test
  void softmaxAndLogSoftmaxAlongEveryDim() {
    Rng rng = new Rng(1);
    for (Layout layout : Layout.values()) {
      for (int dim = -1; dim < 3; dim++) {
        int d = dim;
        Tensor x = leaf(layout, (r, s) -> uniform(r, -3, 3, s), rng, 2, 3, 4);
        GradCheck.check("softmax dim " + d + " " + layout, in -> in[0].softmax(d), x);
        GradCheck.check("logSoftmax dim " + d + " " + layout, in -> in[0].logSoftmax(d), x);
      }
    }
    GradCheck.check("softmax 1-d", in -> in[0].softmax(0), uniform(rng, -2, 2, 5));
    GradCheck.check("softmax with a masked entry", in -> in[0].maskedFill(Tensor.ofLongs(new long[] {0, 1, 0, 0}, 4), -1e30).softmax(-1), uniform(rng, -2, 2, 3, 4));
  }

  @Test
  void layerNorm() {
    Rng rng = new Rng(2);
    for (Layout layout : Layout.values()) {
      Tensor x = leaf(layout, (r, s) -> uniform(r, -2, 2, s), rng, 2, 3, 5);
      Tensor w = uniform(rng, 0.5, 1.5, 5);
      Tensor b = uniform(rng, -0.5, 0.5, 5);
      GradCheck.check("layerNorm " + layout, in -> F.layerNorm(in[0], in[1], in[2], 1e-5), x, w, b);
      Tensor x2 = leaf(layout, rng, 4, 7);
      Tensor w2 = leaf(layout, rng, 7);
      Tensor b2 = leaf(layout, rng, 7);
      GradCheck.check("layerNorm 2-d, large eps " + layout, in -> F.layerNorm(in[0], in[1], in[2], 0.5), x2, w2, b2);
    }
    GradCheck.check("layerNorm of 1-d", in -> F.layerNorm(in[0], in[1], in[2], 1e-5), uniform(rng, -1, 1, 6), uniform(rng, 0.5, 1.5, 6), uniform(rng, -1, 1, 6));
  }

  @Test
  void embeddingAndIndexSelect() {
    Rng rng = new Rng(3);
    Tensor idsLong = Tensor.ofLongs(new long[] {2, 0, 2, 4, 1, 2}, 2, 3);
    Tensor idsInt = Tensor.ofInts(new int[] {3, 3, 0, 1}, 4);
    for (Layout layout : Layout.values()) {
      Tensor table = leaf(layout, rng, 5, 3);
      GradCheck.check("embedding I64 ids " + layout, in -> F.embedding(in[0], idsLong).exp(), table);
      GradCheck.check("embedding I32 ids " + layout, in -> F.embedding(in[0], idsInt).exp(), table);
      Tensor x = leaf(layout, rng, 5, 2, 3);
      GradCheck.check("indexSelect rank 3 " + layout, in -> F.indexSelect(in[0], TestSupport.longs(4, 0, 4, 2)).exp(), x);
      GradCheck.check("indexSelect rank 1", in -> F.indexSelect(in[0], TestSupport.longs(1, 1, 3)).exp(), uniform(rng, -1, 1, 5));
    }
  }

  @Test
  void gather() {
    Rng rng = new Rng(4);
    for (Layout layout : Layout.values()) {
      Tensor x = leaf(layout, rng, 3, 4);
      Tensor idx1 = Tensor.ofLongs(new long[] {0, 3, 3, 1, 2, 2, 0, 0, 1}, 3, 3);
      GradCheck.check("gather dim 1 " + layout, in -> F.gather(in[0], 1, idx1).exp(), x);
      Tensor idx0 = Tensor.ofLongs(new long[] {2, 0, 1, 1, 0, 0, 2, 1}, 2, 4);
      GradCheck.check("gather dim 0 " + layout, in -> F.gather(in[0], 0, idx0).exp(), x);
      Tensor idxSmall = Tensor.ofInts(new int[] {1, 0, 2, 2}, 2, 2);
      GradCheck.check("gather dim 1, index smaller than input " + layout, in -> F.gather(in[0], 1, idxSmall).exp(), x);
      Tensor x3 = leaf(layout, rng, 2, 3, 4);
      Tensor idx3 = Tensor.ofLongs(new long[] {0, 2, 1, 1, 2, 0, 0, 0}, 2, 1, 4);
      GradCheck.check("gather dim 1 of rank 3 " + layout, in -> F.gather(in[0], 1, idx3).exp(), x3);
    }
  }

  @Test
  void dropoutWithFixedSeed() {
    Rng rng = new Rng(5);
    for (Layout layout : Layout.values()) {
      Tensor x = leaf(layout, rng, 4, 6);
      GradCheck.check("dropout " + layout, in -> F.dropout(in[0], 0.3, 77, 5).exp(), x);
    }
    Tensor x = uniform(rng, 1, 2, 50, 40);
    Tensor y = F.dropout(x, 0.25, 99, 0);
    double[] xv = x.toDoubleArray();
    double[] yv = y.toDoubleArray();
    int zeros = 0;
    for (int i = 0; i < xv.length; i++) {
      boolean kept = CounterRng.uniform(99, i) >= 0.25;
      assertEquals(kept ? xv[i] / 0.75 : 0.0, yv[i], 1e-15, "dropout element " + i);
      if (!kept) zeros++;
    }
    assertEquals(0.25, zeros / 2000.0, 0.03, "fraction dropped");
    assertEquals(x, F.dropout(x, 0.0, 99, 0), "p = 0 is the identity");
  }

  @Test
  void attention() {
    Rng rng = new Rng(6);
    int b = 2;
    int h = 2;
    int s = 3;
    int d = 4;
    Tensor pad = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 0}, b, 1, 1, s);
    for (Layout layout : Layout.values()) {
      Tensor q = leaf(layout, rng, b, h, s, d);
      Tensor k = leaf(layout, rng, b, h, s, d);
      Tensor v = leaf(layout, rng, b, h, s, d);
      double scale = 1 / Math.sqrt(d);
      GradCheck.check("sdpa plain " + layout, in -> Attention.sdpa(in[0], in[1], in[2], null, false, scale).output(), q, k, v);
      GradCheck.check("sdpa causal " + layout, in -> Attention.sdpa(in[0], in[1], in[2], null, true, scale).output(), q, k, v);
      GradCheck.check("sdpa padding " + layout, in -> Attention.sdpa(in[0], in[1], in[2], pad, false, scale).output(), q, k, v);
      GradCheck.check("sdpa causal+padding " + layout, in -> F.scaledDotProductAttention(in[0], in[1], in[2], pad, true), q, k, v);
      GradCheck.check("sdpa probs tap " + layout, in -> Attention.sdpa(in[0], in[1], in[2], pad, true, scale).probs(), q, k, v);
    }
    Tensor q = uniform(rng, -1, 1, 1, 2, d);
    Tensor k = uniform(rng, -1, 1, 1, 5, d);
    Tensor v = uniform(rng, -1, 1, 1, 5, 3);
    GradCheck.check("sdpa causal, 2 queries over 5 keys", in -> Attention.sdpa(in[0], in[1], in[2], null, true, 0.7).output(), q, k, v);
  }
}
