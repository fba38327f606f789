package jdistill.distill.method.builtin;

import java.util.Arrays;
import jdistill.engine.F;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.ops.Attention;
import jdistill.engine.ops.Reduction;
import jdistill.models.transformer.MultiHeadAttention;

/**
 * Self-attention relations (MiniLM, MiniLMv2) and attention-map losses (TinyBERT): per-head
 * relation logits {@code x x^T / sqrt(d)} with padded keys hidden, KL between the row
 * distributions, and MSE on attention scores with the masked positions left out.
 */
public final class Relations {

  private Relations() {}

  /**
   * Per-head vectors [B, h, S, d] regrouped into {@code relationHeads} heads [B, R, S, h d / R]:
   * the heads are concatenated back to the full width and split again (MiniLMv2).
   */
  public static Tensor regroup(Tensor perHead, int relationHeads, String where) {
    int width = perHead.shape(1) * perHead.shape(3);
    if (relationHeads <= 0 || width % relationHeads != 0) {
      throw new IllegalArgumentException(where + ": " + relationHeads + " relation heads do not divide the width " + width);
    }
    return MultiHeadAttention.splitHeads(MultiHeadAttention.mergeHeads(perHead), relationHeads);
  }

  /**
   * Relation logits {@code x x^T / sqrt(d)} [B, h, S, S] for x [B, h, S, d], with the keys where
   * {@code tokenMask} [B, S] (nullable) is 0 set to {@link Attention#MASKED}.
   */
  public static Tensor logits(Tensor x, Tensor tokenMask) {
    Tensor r = x.matmul(x.mT()).mul(1.0 / Math.sqrt(x.shape(-1)));
    if (tokenMask == null) return r;
    Tensor hidden = tokenMask.detach().to(r.dtype()).to(r.device()).neg().add(1.0);
    return r.maskedFill(hidden.reshape(hidden.shape(0), 1, 1, hidden.shape(1)), Attention.MASKED);
  }

  /**
   * {@code KL(softmax(teacher) || softmax(student))} over the last dimension of [B, h, S, S]
   * logits, averaged over heads and over the query rows that are tokens ({@code tokenMask} [B, S],
   * nullable). Masked logits ({@link Attention#MASKED}) have probability 0 on both sides.
   */
  public static Tensor kl(Tensor student, Tensor teacher, Tensor tokenMask) {
    if (!Arrays.equals(student.shape(), teacher.shape())) {
      throw new IllegalArgumentException("relation KL: student " + Arrays.toString(student.shape()) + " and teacher " + Arrays.toString(teacher.shape()) + " differ in shape");
    }
    Tensor rows = tokenMask == null ? null : queryMask(tokenMask, student);
    return F.softTarget(SoftTargetLoss.KL, student, teacher.detach(), 1.0, rows, Reduction.MEAN);
  }

  /**
   * MSE between attention scores [B, h, S, S] over the entries that are real (query and key are
   * tokens, and the model did not mask the score, e.g. causally): TinyBERT zeroes masked scores
   * before its MSE; here they are left out of the mean instead.
   */
  public static Tensor scoreMse(Tensor student, Tensor teacher, Tensor tokenMask) {
    if (!Arrays.equals(student.shape(), teacher.shape())) {
      throw new IllegalArgumentException("attention-score MSE: student " + Arrays.toString(student.shape()) + " and teacher " + Arrays.toString(teacher.shape())
          + " differ in shape; the two models need the same number of heads");
    }
    Tensor t = teacher.detach();
    Tensor threshold = t.scalarLike(Attention.MASKED / 2);
    Tensor valid = t.gt(threshold).mul(student.detach().gt(threshold.to(student.dtype())).to(t.dtype()));
    if (tokenMask != null) {
      Tensor q = tokenMask.detach().to(t.dtype()).to(t.device());
      valid = valid.mul(q.reshape(q.shape(0), 1, q.shape(1), 1));
    }
    Tensor invalid = valid.neg().add(1.0);
    Tensor s = student.maskedFill(invalid.to(student.dtype()), 0.0);
    Tensor tz = t.maskedFill(invalid, 0.0).to(student.dtype());
    double count = valid.sum().item();
    Tensor d = s.sub(tz);
    if (count == 0) return d.sum().mul(0.0);
    return d.mul(d).sum().mul(1.0 / count);
  }

  /** The token mask [B, S] broadcast to query rows [B, h, S] of per-head maps like {@code like}. */
  static Tensor queryMask(Tensor tokenMask, Tensor like) {
    int b = like.shape(0);
    int h = like.shape(1);
    int s = like.shape(2);
    if (tokenMask.shape(0) != b || tokenMask.shape(1) != s) {
      throw new IllegalArgumentException("attention mask " + Arrays.toString(tokenMask.shape()) + " does not match maps " + Arrays.toString(like.shape()));
    }
    return tokenMask.detach().to(like.dtype()).to(like.device()).reshape(b, 1, s).expand(b, h, s);
  }
}
