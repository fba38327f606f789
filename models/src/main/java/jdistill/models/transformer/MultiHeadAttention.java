package jdistill.models.transformer;

import jdistill.engine.Tensor;
import jdistill.engine.ops.Attention;

/**
 * The attention arithmetic GPT-2 and BERT share: split projections into heads, optionally extend
 * with a KV cache, scaled dot-product attention with causal and padding masks, merge heads, and
 * record the Q/K/V, score and probability taps. Each model keeps its own projection modules so
 * that parameter names stay exactly Hugging Face's.
 */
public final class MultiHeadAttention {

  private MultiHeadAttention() {}

  /** [B, S, H] to [B, heads, S, head_dim]. */
  public static Tensor splitHeads(Tensor x, int heads) {
    int b = x.shape(0);
    int s = x.shape(1);
    int h = x.shape(2);
    return x.reshape(b, s, heads, h / heads).permute(0, 2, 1, 3);
  }

  /** [B, heads, S, head_dim] to [B, S, H]. */
  public static Tensor mergeHeads(Tensor x) {
    int b = x.shape(0);
    int heads = x.shape(1);
    int s = x.shape(2);
    int d = x.shape(3);
    return x.permute(0, 2, 1, 3).reshape(b, s, heads * d);
  }

  /**
   * Attention over projected q, k, v [B, S, H] with {@code keyMask} [B, S_total] (1 = attend,
   * nullable), {@code causal} masking, an optional cache, and taps for {@code layer}. Runs the
   * fused attention kernels ({@link Attention#fused}) unless the scores or probabilities of this
   * layer are tapped or attention dropout is active, which need the composed path. A query that
   * may see no key (all of its keys padding) gets output 0 on the fused path.
   *
   * @param dropout applied to the probabilities (identity when null)
   */
  public static Tensor attend(Tensor q, Tensor k, Tensor v, int heads, Tensor keyMask, boolean causal, KvCache cache, int layer,
      TapRecorder taps, java.util.function.UnaryOperator<Tensor> dropout) {
    Tensor qh = taps.offer(Tap.QUERY, layer, splitHeads(q, heads));
    Tensor kh = splitHeads(k, heads);
    Tensor vh = splitHeads(v, heads);
    if (cache != null) {
      Tensor[] kv = cache.append(layer, kh, vh);
      kh = kv[0];
      vh = kv[1];
    }
    taps.offer(Tap.KEY, layer, kh);
    taps.offer(Tap.VALUE, layer, vh);
    Tensor mask = null;
    if (keyMask != null) {
      int b = keyMask.shape(0);
      int sk = keyMask.shape(1);
      if (sk != kh.shape(2)) {
        throw new IllegalArgumentException("attention mask covers " + sk + " positions but there are " + kh.shape(2) + " keys");
      }
      mask = keyMask.reshape(b, 1, 1, sk);
    }
    double scale = 1.0 / Math.sqrt(qh.shape(-1));
    boolean tapped = taps.wants(Tap.ATTENTION_SCORES, layer) || taps.wants(Tap.ATTENTION_PROBS, layer);
    if (!tapped && dropout == null && Attention.canFuse(qh, kh, vh, mask)) {
      // nothing needs the [S, S_total] scores: the fused kernels never build them
      return mergeHeads(Attention.fused(qh, kh, vh, mask, causal, scale));
    }
    Attention.Result r = Attention.sdpa(qh, kh, vh, mask, causal, scale);
    taps.offer(Tap.ATTENTION_SCORES, layer, r.scores());
    taps.offer(Tap.ATTENTION_PROBS, layer, r.probs());
    Tensor probs = dropout == null ? r.probs() : dropout.apply(r.probs());
    Tensor out = probs == r.probs() ? r.output() : probs.matmul(vh);
    return mergeHeads(out);
  }
}
