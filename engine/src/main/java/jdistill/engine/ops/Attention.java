package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;

/**
 * Scaled dot-product attention, two ways: {@link #sdpa} composed from primitives so that the
 * pre-softmax scores and the probabilities can be recorded as taps and gradients flow through
 * every part, and {@link #fused} through the backend's fused kernels (no [Sq, Sk] tensor is kept,
 * the backward recomputes the probabilities) for when nothing needs the scores.
 */
public final class Attention {

  /** Value written into masked score positions (finite, so fully masked rows stay defined). */
  public static final double MASKED = -1e30;

  /** Largest head dimension the CUDA fused-attention kernels take (the CPU takes any). */
  public static final int CUDA_MAX_HEAD_DIM = 128;

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

  /**
   * True when {@link #fused} serves these operands: q [B, H, Sq, D], k and v [B, H, Sk, D] of one
   * floating dtype on one device, a key mask that is null or per (batch, key) (see {@link
   * #fused}), and on CUDA an F32 or BF16 dtype and D &lt;= {@value #CUDA_MAX_HEAD_DIM}. Otherwise
   * use {@link #sdpa}.
   */
  public static boolean canFuse(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
    return unfusableReason(q, k, v, keyMask) == null;
  }

  /**
   * {@code softmax(q k^T * scale + masks) v} through the backend's fused attention, recorded on
   * the tape with the fused backward. q [B, H, Sq, D], k and v [B, H, Sk, D] (any strides; copied
   * when the backend needs another layout). {@code keyMask} (nullable, any dtype, non-zero = attend) holds one value
   * per (batch, key): [B, Sk] or [B, 1, 1, Sk] (a leading 1 broadcasts over the batch).
   * {@code causal} hides key j from query i when j &gt; i + (Sk - Sq), as {@link #sdpa} does.
   *
   * <p>One difference from {@link #sdpa}: a query that may see no key at all (every key masked)
   * gets output 0 and no gradient, where the composed path spreads it over all keys.
   */
  public static Tensor fused(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale) {
    String why = unfusableReason(q, k, v, keyMask);
    if (why != null) throw new IllegalArgumentException("fused attention: " + why);
    int b = q.shape(0);
    int h = q.shape(1);
    int sq = q.shape(2);
    int sk = k.shape(2);
    Tensor qc = operand(q);
    Tensor kc = operand(k);
    Tensor vc = operand(v);
    Tensor mask = keyMask == null ? null : keyRows(keyMask, b, sk, q.device());
    Tensor out = Tensor.empty(q.dtype(), q.device(), q.shape());
    Tensor lse = Tensor.empty(q.dtype() == DType.F64 ? DType.F64 : DType.F32, q.device(), b, h, sq);
    q.backend().attentionForward(qc, kc, vc, mask, causal, scale, out, lse);
    Tensor od = out.detach();
    return Tensor.record(out, "attention", new Tensor[] {q, k, v}, g -> {
      Tensor dq = Tensor.empty(q.dtype(), q.device(), q.shape());
      Tensor dk = Tensor.empty(k.dtype(), k.device(), k.shape());
      Tensor dv = Tensor.empty(v.dtype(), v.device(), v.shape());
      Tensor gc = g.dtype() == q.dtype() ? g.contiguous() : g.to(q.dtype()).contiguous();
      g.backend().attentionBackward(qc, kc, vc, mask, causal, scale, od, lse, gc, dq, dk, dv);
      return new Tensor[] {dq, dk, dv};
    });
  }

  /** Why {@link #fused} cannot take these operands, or null when it can. */
  private static String unfusableReason(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
      return "q, k, v must be [B, H, S, D]; got " + Arrays.toString(q.shape()) + ", " + Arrays.toString(k.shape()) + ", " + Arrays.toString(v.shape());
    }
    if (k.shape(0) != q.shape(0) || k.shape(1) != q.shape(1) || k.shape(3) != q.shape(3) || !Arrays.equals(k.shape(), v.shape())) {
      return "k and v must be [B, H, Sk, D] with q's B, H and D; got q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape())
          + ", v " + Arrays.toString(v.shape());
    }
    if (!q.device().equals(k.device()) || !q.device().equals(v.device())) {
      return "q, k, v are on different devices (" + q.device() + ", " + k.device() + ", " + v.device() + ")";
    }
    if (q.dtype() != k.dtype() || q.dtype() != v.dtype() || !q.dtype().isFloating()) {
      return "q, k, v must share one floating dtype; got " + q.dtype() + ", " + k.dtype() + ", " + v.dtype();
    }
    if (q.device().kind() == Device.Kind.CUDA) {
      if (q.dtype() != DType.F32 && q.dtype() != DType.BF16) return "CUDA computes F32 and BF16, not " + q.dtype();
      if (q.shape(3) > CUDA_MAX_HEAD_DIM) return "head dim " + q.shape(3) + " is above the CUDA kernels' " + CUDA_MAX_HEAD_DIM;
    }
    if (keyMask != null) {
      int[] m = keyMask.shape();
      int sk = k.shape(2);
      boolean rows2 = m.length == 2 && m[1] == sk;
      boolean rows4 = m.length == 4 && m[1] == 1 && m[2] == 1 && m[3] == sk;
      if (!(rows2 || rows4) || (m[0] != 1 && m[0] != q.shape(0))) {
        return "the key mask must hold one value per (batch, key), [" + q.shape(0) + ", " + sk + "] or [" + q.shape(0) + ", 1, 1, " + sk
            + "]; got " + Arrays.toString(m);
      }
    }
    return null;
  }

  /**
   * What the backend reads: CPU kernels take contiguous tensors; the CUDA kernels take any batch,
   * head and time strides with stride 1 along D (heads split from a [B, S, H*D] projection are not
   * copied).
   */
  private static Tensor operand(Tensor t) {
    Tensor d = t.detach();
    boolean rowsOk = d.shape(3) <= 1 || d.stride(3) == 1;
    return d.device().kind() == Device.Kind.CUDA && rowsOk ? d : d.contiguous();
  }

  /** The key mask as a contiguous F32 [B, Sk] tensor on {@code device}. */
  private static Tensor keyRows(Tensor keyMask, int b, int sk, Device device) {
    Tensor m = keyMask.detach().reshape(keyMask.shape(0), sk).expand(b, sk);
    return m.to(device).to(DType.F32).contiguous();
  }
}
