package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.Tensor;

/**
 * Scaled dot-product attention, composed from primitives so that the pre-softmax scores and the
 * probabilities can be recorded as taps and gradients flow through every part.
 */
public final class Attention {

  /** Value written into masked score positions (finite, so fully masked rows stay defined). */
  public static final double MASKED = -1e30;

  /** The attention output with the intermediate scores (after masking) and probabilities. */
  public record Result(Tensor output, Tensor scores, Tensor probs) {}

  private Attention() {}

  /**
   * {@code softmax(q k^T * scale + masks) v} for q [..., Sq, D], k [..., Sk, D], v [..., Sk, Dv].
   * {@code keyMask} (nullable) broadcasts to [..., Sq, Sk] with 1 for keys to attend and 0 for
   * padding (e.g. [B, 1, 1, Sk]); {@code causal} hides keys after each query (aligned at the end,
   * so a query block that continues a cached prefix works).
   */
  public static Result sdpa(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale) {
    int sq = q.shape(-2);
    int sk = k.shape(-2);
    if (q.shape(-1) != k.shape(-1)) {
      throw new IllegalArgumentException("attention: query dim " + q.shape(-1) + " differs from key dim " + k.shape(-1));
    }
    if (v.shape(-2) != sk) throw new IllegalArgumentException("attention: " + sk + " keys but " + v.shape(-2) + " values");
    Tensor scores = q.matmul(k.mT()).mul(scale);
    Tensor hidden = null;
    if (keyMask != null) {
      hidden = keyMask.detach().to(scores.dtype()).neg().add(1.0);
    }
    if (causal) {
      double[] c = new double[sq * sk];
      for (int i = 0; i < sq; i++) {
        for (int j = 0; j < sk; j++) c[i * sk + j] = j > i + (sk - sq) ? 1 : 0;
      }
      Tensor causalMask = Tensor.of(c, sq, sk).to(scores.dtype()).to(scores.device());
      hidden = hidden == null ? causalMask : hidden.maximum(causalMask);
    }
    if (hidden != null) {
      try {
        scores = scores.maskedFill(hidden, MASKED);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("attention: mask of shape " + Arrays.toString(keyMask == null ? new int[0] : keyMask.shape()) + " does not broadcast to scores " + Arrays.toString(scores.shape()), e);
      }
    }
    Tensor probs = scores.softmax(-1);
    return new Result(probs.matmul(v), scores, probs);
  }
}
