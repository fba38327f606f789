package jdistill.models.gpt2;

import jdistill.engine.DType;
import jdistill.engine.F;
import jdistill.engine.Tensor;
import jdistill.engine.ops.Reduction;

/**
 * The causal language-modelling loss as Hugging Face computes it: logits at position t predict
 * the token at t+1 (shifted cross-entropy, mean over counted positions), padding ignored.
 */
public final class CausalLm {

  /** Label value that counts for nothing (HF's -100). */
  public static final long IGNORE = -100;

  private CausalLm() {}

  /**
   * Mean shifted cross-entropy of {@code logits} [B, S, V] against {@code ids} [B, S]; targets
   * whose {@code attentionMask} [B, S] entry is 0 are ignored (mask nullable).
   */
  public static Tensor loss(Tensor logits, Tensor ids, Tensor attentionMask) {
    int b = logits.shape(0);
    int s = logits.shape(1);
    int v = logits.shape(2);
    if (ids.shape(0) != b || ids.shape(1) != s) {
      throw new IllegalArgumentException("causal LM loss: logits " + java.util.Arrays.toString(logits.shape()) + " do not match ids " + java.util.Arrays.toString(ids.shape()));
    }
    if (s < 2) throw new IllegalArgumentException("causal LM loss needs at least 2 positions, got " + s);
    long[] idv = ids.to(DType.I64).toLongArray();
    double[] mask = attentionMask == null ? null : attentionMask.to(DType.F64).toDoubleArray();
    long[] targets = new long[b * (s - 1)];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < s - 1; j++) {
        int src = i * s + j + 1;
        targets[i * (s - 1) + j] = mask != null && mask[src] == 0 ? IGNORE : idv[src];
      }
    }
    Tensor shifted = logits.narrow(1, 0, s - 1).contiguous().reshape(b * (s - 1), v);
    Tensor t = Tensor.ofLongs(targets, b * (s - 1)).to(logits.device());
    return F.crossEntropy(shifted, t, IGNORE, 0.0, Reduction.MEAN);
  }
}
