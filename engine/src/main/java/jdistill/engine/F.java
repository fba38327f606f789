package jdistill.engine;

import java.util.List;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.ops.Attention;
import jdistill.engine.ops.Elementwise;
import jdistill.engine.ops.Losses;
import jdistill.engine.ops.Nn;
import jdistill.engine.ops.Reduction;

/** The functional forms of the neural-network ops and losses (as torch.nn.functional). */
public final class F {

  private F() {}

  /** {@code x w^T + b} for a weight stored [out, in] (bias nullable). */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    Tensor y = x.matmul(weight.mT());
    return bias == null ? y : y.add(bias);
  }

  public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
    return Nn.layerNorm(x, weight, bias, eps);
  }

  public static Tensor embedding(Tensor table, Tensor ids) {
    return Nn.embedding(table, ids);
  }

  public static Tensor dropout(Tensor x, double p, long seed, long offset) {
    return Nn.dropout(x, p, seed, offset);
  }

  public static Tensor softmax(Tensor x, int dim) {
    return Nn.softmax(x, dim, false);
  }

  public static Tensor logSoftmax(Tensor x, int dim) {
    return Nn.softmax(x, dim, true);
  }

  public static Tensor gather(Tensor x, int dim, Tensor index) {
    return Nn.gather(x, dim, index);
  }

  public static Tensor indexSelect(Tensor x, Tensor index) {
    return Nn.indexSelect(x, index);
  }

  public static Tensor cat(List<Tensor> parts, int dim) {
    return Nn.cat(parts, dim);
  }

  public static Tensor stack(List<Tensor> parts, int dim) {
    return Nn.stack(parts, dim);
  }

  public static List<Tensor> split(Tensor x, int size, int dim) {
    return Nn.split(x, size, dim);
  }

  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    return Elementwise.where(cond, a, b);
  }

  /** Cross-entropy with mean reduction and no ignored index. */
  public static Tensor crossEntropy(Tensor logits, Tensor targets) {
    return Losses.crossEntropy(logits, targets, Long.MIN_VALUE, 0.0, Reduction.MEAN);
  }

  public static Tensor crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double labelSmoothing, Reduction reduction) {
    return Losses.crossEntropy(logits, targets, ignoreIndex, labelSmoothing, reduction);
  }

  /**
   * {@code T^2 KL(softmax(teacher/T) || softmax(student/T))} averaged over rows where {@code
   * rowMask} (nullable) is non-zero: Hinton's soft-label loss.
   */
  public static Tensor klDiv(Tensor student, Tensor teacher, double temperature, Tensor rowMask) {
    return Losses.softTarget(SoftTargetLoss.KL, student, teacher, temperature, rowMask, Reduction.MEAN);
  }

  public static Tensor softTarget(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Reduction reduction) {
    return Losses.softTarget(kind, student, teacher, temperature, rowMask, reduction);
  }

  public static Tensor mse(Tensor a, Tensor b) {
    return Losses.mse(a, b, Reduction.MEAN);
  }

  public static Tensor cosineSimilarity(Tensor a, Tensor b, int dim) {
    return Losses.cosineSimilarity(a, b, dim, 1e-8);
  }

  /**
   * Scaled dot-product attention output with scale 1/sqrt(D): through the fused kernels ({@link
   * Attention#fused}) when they take the operands ({@link Attention#canFuse}), else composed
   * ({@link Attention#sdpa}, which also gives the scores and probabilities). On the fused path a
   * query that may see no key at all gets output 0.
   */
  public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal) {
    double scale = 1.0 / Math.sqrt(q.shape(-1));
    if (Attention.canFuse(q, k, v, keyMask)) return Attention.fused(q, k, v, keyMask, causal, scale);
    return Attention.sdpa(q, k, v, keyMask, causal, scale).output();
  }
}
