package jdistill.distill.method.builtin;

import java.util.Arrays;
import jdistill.distill.core.Batch;
import jdistill.engine.DType;
import jdistill.engine.F;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.ops.Reduction;

/**
 * Loss pieces the built-in methods share: the soft-label loss in its variants, the hard-label
 * loss, and masked means (MSE, cosine distance) over rows such as token positions.
 *
 * <p>Conventions. Token labels {@code [B, S]} are aligned with the logits: {@code labels[b, s]} is
 * the target of {@code logits[b, s]} (for causal LMs the data pipeline has already shifted them),
 * and {@link #IGNORE_INDEX} marks positions that count for nothing. A model with a single output
 * (regression) gets MSE where a classifier gets cross-entropy or a softmax-based soft loss.
 */
public final class KdLosses {

  /** Token labels equal to this are ignored (Hugging Face's convention). */
  public static final long IGNORE_INDEX = -100;

  private KdLosses() {}

  /**
   * The soft-label loss of student logits against (detached) teacher logits [..., V], averaged
   * over the rows where {@code rowMask} [...] (nullable) is non-zero. For a single-output head
   * (regression) every variant is the logit MSE.
   */
  public static Tensor soft(SoftLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask) {
    if (!Arrays.equals(student.shape(), teacher.shape())) {
      throw new IllegalArgumentException("soft loss: student logits " + Arrays.toString(student.shape()) + " and teacher logits " + Arrays.toString(teacher.shape())
          + " differ in shape; teacher and student need the same head (labels or vocabulary)");
    }
    Tensor t = teacher.detach();
    if (student.shape(-1) == 1 || kind == SoftLoss.LOGIT_MSE) return maskedMse(student, t, rowMask);
    SoftTargetLoss k = kind == SoftLoss.KL ? SoftTargetLoss.KL : SoftTargetLoss.SOFT_CROSS_ENTROPY;
    return F.softTarget(k, student, t, temperature, rowMask, Reduction.MEAN);
  }

  /**
   * The hard-label loss from the batch's labels: MSE for float labels [B] against a one-output head
   * [B, 1] (regression), otherwise cross-entropy over classes [B] or token targets [B, S] with
   * {@link #IGNORE_INDEX} skipped (zero, still attached to the graph, when every target is ignored).
   *
   * @param method names the method in the error when the batch has no labels
   */
  public static Tensor hard(Tensor logits, Tensor labels, double labelSmoothing, String method) {
    if (labels == null) {
      throw new IllegalArgumentException("method '" + method + "' needs labels for its hard-label loss, but the batch has none; give the data labels or turn the hard term off (its weight option)");
    }
    if (logits == null) throw new IllegalArgumentException("method '" + method + "': the student has no logits (a bare encoder) for the hard-label loss");
    if (labels.dtype().isFloating()) {
      if (logits.numel() != labels.numel()) {
        throw new IllegalArgumentException("method '" + method + "': float labels " + Arrays.toString(labels.shape()) + " mean regression, which needs one output per example, but the logits are "
            + Arrays.toString(logits.shape()));
      }
      return F.mse(logits.reshape(labels.shape()), labels.to(logits.dtype()).to(logits.device()));
    }
    int[] rows = Arrays.copyOf(logits.shape(), logits.rank() - 1);
    if (!Arrays.equals(rows, labels.shape())) {
      throw new IllegalArgumentException("method '" + method + "': labels " + Arrays.toString(labels.shape()) + " do not match logits " + Arrays.toString(logits.shape()) + " (expected labels " + Arrays.toString(rows) + ")");
    }
    Tensor l = labels.to(logits.device());
    double counted = notIgnored(l).sum().item();
    if (counted == 0) return logits.sum().mul(0.0);
    return F.crossEntropy(logits, l, IGNORE_INDEX, labelSmoothing, Reduction.MEAN);
  }

  /**
   * The positions of LM logits [B, S, V] that count, as an F32 mask [B, S]: non-padding tokens
   * and, with {@code byLabels} and token labels present, tokens whose label is not ignored. Null
   * for classification logits [B, C] (every row counts) and when nothing is masked.
   */
  public static Tensor positionMask(Batch batch, Tensor logits, boolean byLabels) {
    if (logits == null || logits.rank() < 3) return null;
    Tensor mask = tokenMask(batch);
    Tensor labels = batch.labels();
    if (byLabels && labels != null && labels.rank() == 2 && !labels.dtype().isFloating()) {
      Tensor counted = notIgnored(labels);
      mask = mask == null ? counted : mask.mul(counted);
    }
    return mask == null ? null : mask.to(logits.device());
  }

  /** The attention mask as F32 [B, S] (1 = token), or null when the batch has none. */
  public static Tensor tokenMask(Batch batch) {
    Tensor m = batch.attentionMask();
    return m == null ? null : m.detach().to(DType.F32);
  }

  /**
   * One vector [B, H] per example from hidden states [B, S, H]: position 0 ([CLS]), or with {@code
   * mean} the mean over the batch's tokens (attention mask 1; every position when there is no mask).
   */
  public static Tensor pool(Tensor hidden, Batch batch, boolean mean) {
    if (!mean) return hidden.select(1, 0);
    Tensor m = tokenMask(batch);
    if (m == null) return hidden.mean(1, false);
    Tensor mm = m.to(hidden.dtype()).to(hidden.device()).unsqueeze(-1);
    return hidden.mul(mm).sum(1, false).div(mm.sum(1, false).clamp(1, Double.MAX_VALUE));
  }

  /** 1 where a label is not {@link #IGNORE_INDEX}, else 0, as F32. */
  static Tensor notIgnored(Tensor labels) {
    return labels.detach().to(DType.F32).sub((double) IGNORE_INDEX).abs().clamp(0, 1);
  }

  /**
   * Squared error of {@code a} and {@code b} [..., D] averaged over the last dimension and over the
   * rows where {@code rowMask} [...] (nullable) is non-zero.
   */
  public static Tensor maskedMse(Tensor a, Tensor b, Tensor rowMask) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException("MSE: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
    }
    Tensor d = a.sub(b);
    Tensor sq = d.mul(d);
    if (rowMask == null) return sq.mean();
    checkRows(rowMask, a, "MSE");
    Tensor m = rowMask.detach().to(a.dtype()).to(a.device());
    double count = m.sum().item();
    if (count == 0) return sq.sum().mul(0.0);
    return sq.mul(m.unsqueeze(-1)).sum().mul(1.0 / (count * a.shape(-1)));
  }

  /**
   * Cosine distance {@code 1 - cos(a, b)} along the last dimension, averaged over the rows where
   * {@code rowMask} (nullable) is non-zero (PyTorch's CosineEmbeddingLoss with target 1).
   */
  public static Tensor cosineLoss(Tensor a, Tensor b, Tensor rowMask) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException("cosine loss: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
    }
    Tensor dist = F.cosineSimilarity(a, b, -1).neg().add(1.0);
    return maskedMean(dist, rowMask);
  }

  /** Mean of {@code x} over the entries where {@code mask} (same shape, nullable) is non-zero. */
  public static Tensor maskedMean(Tensor x, Tensor mask) {
    if (mask == null) return x.mean();
    if (!Arrays.equals(mask.shape(), x.shape())) {
      throw new IllegalArgumentException("mask " + Arrays.toString(mask.shape()) + " does not match values " + Arrays.toString(x.shape()));
    }
    Tensor m = mask.detach().to(x.dtype()).to(x.device());
    double count = m.sum().item();
    if (count == 0) return x.sum().mul(0.0);
    return x.mul(m).sum().mul(1.0 / count);
  }

  /** {@code x / max(||x||_2, 1e-12)} along the last dimension (torch's F.normalize). */
  public static Tensor l2Normalize(Tensor x) {
    // clamp before the square root: zero vectors get a zero gradient instead of 0 * inf
    Tensor norm = x.mul(x).sum(-1, true).clamp(1e-24, Double.MAX_VALUE).sqrt();
    return x.div(norm);
  }

  private static void checkRows(Tensor rowMask, Tensor values, String what) {
    int[] rows = Arrays.copyOf(values.shape(), values.rank() - 1);
    if (!Arrays.equals(rowMask.shape(), rows)) {
      throw new IllegalArgumentException(what + ": row mask " + Arrays.toString(rowMask.shape()) + " does not match the rows " + Arrays.toString(rows) + " of " + Arrays.toString(values.shape()));
    }
  }
}
