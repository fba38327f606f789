package jdistill.engine.backend;

import java.lang.foreign.MemorySegment;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;

/**
 * The primitive operations a device must provide. Everything else in the engine (autograd,
 * composite ops, modules, optimizers) is written against this interface, so a new device only
 * implements this set.
 *
 * <p>Conventions: every {@code out} tensor is allocated by the caller, is contiguous and has the
 * result's shape; inputs may be arbitrary strided views unless a method says "contiguous". Shapes
 * and dtypes are validated by the caller (the op layer); a backend may assume them. "Rows" means
 * the tensor viewed as {@code [numel / lastDim, lastDim]}. Floating outputs have the dtype of
 * the floating inputs; the CPU computes F32 and F64, CUDA computes F32 and BF16 (F32 accumulation).
 */
public interface Backend {

  /** The device this backend computes on. */
  Device device();

  // ---- memory ---------------------------------------------------------------------------------

  /** A new storage of {@code numel} elements; contents unspecified. */
  Storage allocate(DType dtype, long numel);

  /**
   * Copies {@code count} elements from host memory (little-endian, already in the storage's dtype)
   * into {@code dst} starting at element {@code dstOffset}.
   */
  void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long count);

  /** Copies {@code count} elements of {@code src} starting at {@code srcOffset} to host memory. */
  void copyToHost(Storage src, long srcOffset, long count, MemorySegment dst);

  /** Waits until all queued work on this device is done (no-op on the CPU). */
  void synchronize();

  // ---- data movement ----------------------------------------------------------------------------

  /**
   * {@code dst = src} elementwise, for views of equal shape with any strides (dst may be a
   * non-contiguous view too), converting dtypes where they differ.
   */
  void copy(Tensor src, Tensor dst);

  /** Sets every element of {@code dst} (contiguous) to {@code value}. */
  void fill(Tensor dst, double value);

  // ---- elementwise -----------------------------------------------------------------------------

  /** {@code out = op(x)}. */
  void unary(UnaryOp op, Tensor x, Tensor out);

  /** {@code out = op(a, b)}; {@code a} and {@code b} are already broadcast (stride 0) to out's shape. */
  void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

  /** {@code out = op(a, s)}, or {@code op(s, a)} when {@code scalarFirst}. */
  void binaryScalar(BinaryOp op, Tensor a, double s, boolean scalarFirst, Tensor out);

  /** {@code out = cond != 0 ? a : b}; all three broadcast to out's shape. */
  void where(Tensor cond, Tensor a, Tensor b, Tensor out);

  // ---- reductions ------------------------------------------------------------------------------

  /**
   * Reduces contiguous {@code x} along {@code dim} into {@code out}, whose shape is x's with that
   * dimension set to 1. ARGMAX and ARGMIN write I64.
   */
  void reduce(ReduceOp op, Tensor x, int dim, Tensor out);

  // ---- linear algebra --------------------------------------------------------------------------

  /**
   * {@code out[..., m, n] (+)= sum_k a[..., m, k] * b[..., k, n]}. Leading (batch) dims of a and b
   * are already broadcast to out's (stride 0 where shared); in the last two dims each operand is
   * either row-major (stride 1 along its last dim) or transposed (stride 1 along its second last).
   */
  void matmul(Tensor a, Tensor b, Tensor out, boolean accumulate);

  // ---- fused neural-network ops ----------------------------------------------------------------

  /** Softmax (or log-softmax) of contiguous rows of {@code x}. */
  void softmax(Tensor x, boolean log, Tensor out);

  /**
   * Gradient of softmax/log-softmax given its output {@code y} and the output gradient {@code dy}
   * (both contiguous): softmax {@code dx = y * (dy - sum(dy * y))}; log-softmax {@code dx = dy -
   * exp(y) * sum(dy)}.
   */
  void softmaxBackward(Tensor y, Tensor dy, boolean log, Tensor dx);

  /**
   * Layer norm over the last dim of contiguous {@code x}: {@code out = (x - mean) * rstd * weight
   * + bias}; also writes per-row {@code mean} and {@code rstd} (F32, shape [rows]) for backward.
   */
  void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd);

  /**
   * Layer norm backward: writes {@code dx} and (accumulating into) {@code dweight}, {@code dbias}.
   * All contiguous; mean and rstd from the forward pass.
   */
  void layerNormBackward(
      Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias);

  /** Embedding lookup: {@code out[i, :] = table[ids[i], :]}; table [V, D] contiguous, ids I64/I32. */
  void indexSelect(Tensor table, Tensor ids, Tensor out);

  /** {@code table[ids[i], :] += src[i, :]}, deterministically (same order every run). */
  void indexAdd(Tensor table, Tensor ids, Tensor src);

  /** {@code out[...i...] = x[...index[...i...]...]} along {@code dim} (torch.gather); contiguous. */
  void gather(Tensor x, int dim, Tensor index, Tensor out);

  /** {@code dst[...index[...i...]...] += src[...i...]} along {@code dim}; contiguous, deterministic. */
  void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);

  /**
   * Dropout mask: element i is {@code 1/(1-p)} when {@code CounterRng.uniform(seed, offset + i) >= p},
   * else 0. Counter-based, so every backend draws the same mask.
   */
  void dropoutMask(long seed, long offset, double p, Tensor mask);

  /**
   * Cross-entropy of contiguous logit rows [N, V] against {@code targets} [N] (I64): {@code
   * loss[i] = -(1-eps) log p[i, t_i] - eps/V sum_j log p[i, j]}, 0 where {@code t_i ==
   * ignoreIndex}. When {@code gradLogits} is non-null also writes d loss[i] / d logits[i, :]
   * ({@code p - (1-eps) onehot - eps/V}, zero rows for ignored targets) without keeping p.
   */
  void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double labelSmoothing, Tensor loss, Tensor gradLogits);

  /**
   * Soft-target loss per row between student and teacher logits [N, V] at temperature {@code T},
   * skipping rows where {@code rowMask} (nullable, [N]) is 0 (loss 0, gradient 0). When {@code
   * gradStudent} is non-null also writes d loss[i] / d student[i, :] in the same pass.
   */
  void softTargetLoss(
      SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor gradStudent);

  /**
   * One AdamW step on contiguous tensors of equal shape, in place: with {@code g = grad *
   * gradScale}, {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr (m/(1-b1^t) /
   * (sqrt(v/(1-b2^t)) + eps) + wd w)}. {@code w} is {@code master} (F32) when non-null, and
   * {@code param} then receives w converted to its dtype; otherwise {@code param} itself.
   */
  void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor master, AdamWHyper hyper);

  // ---- norms and fused attention ---------------------------------------------------------------

  /**
   * The sum of the squares of every element of floating {@code x} (any strides), accumulated at
   * least in F32 and returned as a double: the CPU adds in double, CUDA runs the deterministic
   * two-pass {@code sumsq} kernels (fp32 partials in a fixed tree, finished in double, rounded to
   * F32). The same input gives the same bits every run. What global-norm gradient clipping needs.
   */
  double sumOfSquares(Tensor x);

  /**
   * Fused scaled dot-product attention forward, never materialising the [Sq, Sk] scores: {@code
   * out = softmax(scale * q k^T + masks) v} for q [B, H, Sq, D], k and v [B, H, Sk, D], out like
   * q (all contiguous; on CUDA any batch/head/time strides with stride 1 along D).
   *
   * <p>{@code keyMask} (nullable) is [B, Sk] contiguous, non-zero = the key may be attended (F32
   * by convention; any dtype is read). {@code causal} hides key j from query i when {@code j > i +
   * (Sk - Sq)}: aligned at the end, so a query block that continues a cached prefix sees the whole
   * prefix. A query row that sees no key at all gets output 0 and logsumexp -inf (and zero
   * gradients), as the CUDA kernels define it; the composed {@code Attention.sdpa} instead spreads
   * such a row uniformly over every key.
   *
   * <p>{@code logsumexp} [B, H, Sq] receives {@code log sum_j exp(scale q_i . k_j)} over the
   * visible keys (natural log), for the backward; it is F32, or F64 when q is F64 (CPU only).
   */
  void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp);

  /**
   * Backward of {@link #attentionForward}: given its inputs, its {@code out} and {@code logsumexp},
   * and the output gradient {@code dOut} (like out), writes (overwrites) {@code dq}, {@code dk},
   * {@code dv}, shaped like q, k, v. Probabilities are recomputed from logsumexp, never stored.
   */
  void attentionBackward(
      Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp, Tensor dOut,
      Tensor dq, Tensor dk, Tensor dv);

  /** Hyper-parameters of one AdamW step; {@code step} counts from 1. */
  record AdamWHyper(double lr, double beta1, double beta2, double eps, double weightDecay, long step, double gradScale) {}
}
