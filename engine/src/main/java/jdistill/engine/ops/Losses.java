package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;

/**
 * Loss functions. Cross-entropy and the soft-target losses run as fused kernels that write the
 * logit gradient in the forward pass; MSE and cosine similarity are compositions of primitives.
 */
public final class Losses {

  private Losses() {}

  /**
   * Cross-entropy of logits [..., V] against integer targets [...]: rows whose target equals
   * {@code ignoreIndex} count for nothing; MEAN divides by the number of counted rows.
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double labelSmoothing, Reduction reduction) {
    int v = logits.shape(-1);
    int[] rowShape = Arrays.copyOf(logits.shape(), logits.rank() - 1);
    if (!Arrays.equals(rowShape, targets.shape())) {
      throw new IllegalArgumentException("crossEntropy: targets of shape " + Arrays.toString(targets.shape()) + " do not match logits " + Arrays.toString(logits.shape()) + " (expected " + Arrays.toString(rowShape) + ")");
    }
    if (targets.dtype().isFloating()) throw new IllegalArgumentException("crossEntropy: targets must be integer class ids, got " + targets.dtype());
    if (labelSmoothing < 0 || labelSmoothing > 1) throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
    int rows = (int) (logits.numel() / Math.max(v, 1));
    Tensor lc = logits.detach().contiguous().reshape(rows, v);
    Tensor tc = targets.to(DType.I64).contiguous().reshape(rows);
    Tensor perRow = Tensor.empty(logits.dtype(), logits.device(), rows);
    Tensor grad = logits.requiresGrad() ? Tensor.empty(logits.dtype(), logits.device(), rows, v) : null;
    logits.backend().crossEntropy(lc, tc, ignoreIndex, labelSmoothing, perRow, grad);
    long count = 0;
    for (long t : tc.toLongArray()) if (t != ignoreIndex) count++;
    int[] logitShape = logits.shape();
    Tensor out;
    switch (reduction) {
      case NONE -> out = perRow.reshape(rowShape);
      case SUM -> out = perRow.sum();
      case MEAN -> out = perRow.sum().mul(count == 0 ? Double.NaN : 1.0 / count);
      default -> throw new IllegalArgumentException("unknown reduction " + reduction);
    }
    out = out.detach();
    if (grad == null) return out;
    double scale = reduction == Reduction.MEAN ? 1.0 / count : 1.0;
    return Tensor.record(out, "crossEntropy", new Tensor[] {logits}, g -> {
      Tensor rowScale = reduction == Reduction.NONE ? g.reshape(rows, 1) : g.reshape(1, 1).mul(scale);
      return new Tensor[] {grad.mul(rowScale).reshape(logitShape)};
    });
  }

  /**
   * Soft-target loss between student and teacher logits [..., V] at temperature T (teacher gets
   * no gradient). {@code rowMask} [...] (nullable) skips rows where it is 0; MEAN averages over
   * the rows counted.
   */
  public static Tensor softTarget(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Reduction reduction) {
    if (!Arrays.equals(student.shape(), teacher.shape())) {
      throw new IllegalArgumentException("softTarget: student logits " + Arrays.toString(student.shape()) + " and teacher logits " + Arrays.toString(teacher.shape()) + " differ in shape");
    }
    if (temperature <= 0) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    int v = student.shape(-1);
    int rows = (int) (student.numel() / Math.max(v, 1));
    int[] rowShape = Arrays.copyOf(student.shape(), student.rank() - 1);
    Tensor mask = null;
    if (rowMask != null) {
      if (!Arrays.equals(rowMask.shape(), rowShape)) {
        throw new IllegalArgumentException("softTarget: row mask " + Arrays.toString(rowMask.shape()) + " does not match the logits' rows " + Arrays.toString(rowShape));
      }
      mask = rowMask.detach().to(student.dtype()).contiguous().reshape(rows);
    }
    Tensor sc = student.detach().contiguous().reshape(rows, v);
    Tensor tc = teacher.detach().to(student.dtype()).contiguous().reshape(rows, v);
    Tensor perRow = Tensor.empty(student.dtype(), student.device(), rows);
    Tensor grad = student.requiresGrad() ? Tensor.empty(student.dtype(), student.device(), rows, v) : null;
    student.backend().softTargetLoss(kind, sc, tc, temperature, mask, perRow, grad);
    double count = mask == null ? rows : mask.to(DType.F32).sum().item();
    Tensor out = switch (reduction) {
      case NONE -> perRow.reshape(rowShape);
      case SUM -> perRow.sum();
      case MEAN -> perRow.sum().mul(count == 0 ? 0.0 : 1.0 / count);
    };
    out = out.detach();
    if (grad == null) return out;
    double scale = reduction == Reduction.MEAN ? (count == 0 ? 0.0 : 1.0 / count) : 1.0;
    int[] logitShape = student.shape();
    return Tensor.record(out, "softTarget", new Tensor[] {student}, g -> {
      Tensor rowScale = reduction == Reduction.NONE ? g.reshape(rows, 1) : g.reshape(1, 1).mul(scale);
      return new Tensor[] {grad.mul(rowScale).reshape(logitShape)};
    });
  }

  /** Mean (or sum, or per-element) squared error with broadcasting. */
  public static Tensor mse(Tensor a, Tensor b, Reduction reduction) {
    Tensor d = a.sub(b);
    Tensor sq = d.mul(d);
    return switch (reduction) {
      case NONE -> sq;
      case SUM -> sq.sum();
      case MEAN -> sq.mean();
    };
  }

  /** Cosine similarity along {@code dim}: {@code sum(a b) / max(|a| |b|, eps)}. */
  public static Tensor cosineSimilarity(Tensor a, Tensor b, int dim, double eps) {
    // broadcast first (as torch does), so dim refers to the common shape and both norms exist
    int[] shape = jdistill.engine.Shapes.broadcast(a.shape(), b.shape());
    if (!Arrays.equals(a.shape(), shape)) a = a.expand(shape);
    if (!Arrays.equals(b.shape(), shape)) b = b.expand(shape);
    Tensor dot = a.mul(b).sum(dim, false);
    Tensor na = a.mul(a).sum(dim, false);
    Tensor nb = b.mul(b).sum(dim, false);
    Tensor denom = na.mul(nb).clamp(eps * eps, Double.MAX_VALUE).sqrt();
    return dot.div(denom);
  }
}
