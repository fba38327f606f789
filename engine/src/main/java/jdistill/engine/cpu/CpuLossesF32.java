package jdistill.engine.cpu;

import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 fast path of {@link CpuLosses} for contiguous rows: the same per-row passes (maximum,
 * sum of exponentials, then loss and gradient together) on float vectors, with {@link VectorMath}'s
 * exp and lane sums in a fixed order, so results are the same bits on every run. Per row the
 * cross-entropy reads the logits three times and writes the gradient once; the soft-target loss
 * reads both logit rows three times.
 */
final class CpuLossesF32 {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private CpuLossesF32() {}

  /** True when the F32 path serves these tensors (grad may be null). */
  static boolean serves(Tensor logits, Tensor other, Tensor grad) {
    return logits.dtype() == DType.F32 && logits.isContiguous() && (other == null || other.dtype() == logits.dtype() && other.isContiguous())
        && (grad == null || grad.dtype() == logits.dtype() && grad.isContiguous());
  }

  static void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double smoothing, Tensor loss, Tensor grad) {
    int v = logits.shape(-1);
    int rows = Math.toIntExact(logits.numel() / Math.max(v, 1));
    float[] x = CpuAttention.floats(logits);
    float[] g = grad == null ? null : CpuAttention.floats(grad);
    int lo = CpuAttention.off(logits);
    int go = grad == null ? 0 : CpuAttention.off(grad);
    int to0 = Math.toIntExact(targets.offset());
    Access.Writer wl = Access.writer(loss);
    float uniform = (float) (smoothing / v);
    Parallel.forRange(rows, Math.max(1, 4096 / Math.max(v, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        long t = Access.index(targets, to0 + r);
        int base = lo + r * v;
        int gBase = go + r * v;
        if (t == ignoreIndex) {
          wl.set(r, 0);
          if (g != null) Arrays.fill(g, gBase, gBase + v, 0f);
          continue;
        }
        if (t < 0 || t >= v) throw new IndexOutOfBoundsException("target " + t + " at row " + r + " is outside [0, " + v + ")");
        float max = max(x, base, v, 1f);
        float sum = sumExp(x, base, v, 1f, max);
        float lse = max + (float) Math.log(sum);
        double nll = lse - x[base + (int) t];
        double smooth = smoothing == 0 ? 0 : lse - sum(x, base, v) / v;
        wl.set(r, (1 - smoothing) * nll + smoothing * smooth);
        if (g != null) {
          FloatVector vl = FloatVector.broadcast(S, lse);
          int j = 0;
          for (int bound = S.loopBound(v); j < bound; j += L) {
            VectorMath.exp(FloatVector.fromArray(S, x, base + j).sub(vl)).sub(uniform).intoArray(g, gBase + j);
          }
          for (; j < v; j++) g[gBase + j] = (float) Math.exp(x[base + j] - lse) - uniform;
          g[gBase + (int) t] -= (float) (1 - smoothing);
        }
      }
    });
  }

  static void softTargetLoss(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor grad) {
    int v = student.shape(-1);
    int rows = Math.toIntExact(student.numel() / Math.max(v, 1));
    float[] s = CpuAttention.floats(student);
    float[] t = CpuAttention.floats(teacher);
    float[] g = grad == null ? null : CpuAttention.floats(grad);
    int so = CpuAttention.off(student);
    int tOff = CpuAttention.off(teacher);
    int go = grad == null ? 0 : CpuAttention.off(grad);
    Access.Reader rm = rowMask == null ? null : Access.reader(rowMask);
    int mo = rowMask == null ? 0 : Math.toIntExact(rowMask.offset());
    Access.Writer wl = Access.writer(loss);
    float invT = (float) (1.0 / temperature);
    boolean kl = kind == SoftTargetLoss.KL;
    float gradScale = (float) (kl ? temperature : 1.0 / temperature);
    Parallel.forRange(rows, Math.max(1, 4096 / Math.max(v, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int gBase = go + r * v;
        if (rm != null && rm.get(mo + r) == 0) {
          wl.set(r, 0);
          if (g != null) Arrays.fill(g, gBase, gBase + v, 0f);
          continue;
        }
        int sb = so + r * v;
        int tb = tOff + r * v;
        float sMax = max(s, sb, v, invT);
        float tMax = max(t, tb, v, invT);
        float sLse = sMax + (float) Math.log(sumExp(s, sb, v, invT, sMax));
        float tLse = tMax + (float) Math.log(sumExp(t, tb, v, invT, tMax));
        FloatVector acc = FloatVector.zero(S);
        FloatVector vInvT = FloatVector.broadcast(S, invT);
        FloatVector vs = FloatVector.broadcast(S, sLse);
        FloatVector vt = FloatVector.broadcast(S, tLse);
        int j = 0;
        for (int bound = S.loopBound(v); j < bound; j += L) {
          FloatVector logPs = FloatVector.fromArray(S, s, sb + j).mul(vInvT).sub(vs);
          FloatVector logPt = FloatVector.fromArray(S, t, tb + j).mul(vInvT).sub(vt);
          FloatVector pt = VectorMath.exp(logPt);
          FloatVector term = kl ? pt.mul(logPt.sub(logPs)) : pt.mul(logPs).neg();
          // p_t = 0 contributes nothing (0 * log 0 = 0), also where a logit is -inf
          acc = acc.add(term.blend(0f, pt.compare(VectorOperators.EQ, 0f)));
          if (g != null) VectorMath.exp(logPs).sub(pt).mul(gradScale).intoArray(g, gBase + j);
        }
        float sum = VectorMath.sumLanes(acc);
        for (; j < v; j++) {
          float logPs = s[sb + j] * invT - sLse;
          float logPt = t[tb + j] * invT - tLse;
          float pt = (float) Math.exp(logPt);
          if (pt != 0f) sum += kl ? pt * (logPt - logPs) : -pt * logPs;
          if (g != null) g[gBase + j] = ((float) Math.exp(logPs) - pt) * gradScale;
        }
        wl.set(r, kl ? (double) sum * temperature * temperature : sum);
      }
    });
  }

  /** max over the row of {@code x[i] * scale}. */
  private static float max(float[] x, int base, int n, float scale) {
    FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int j = 0;
    for (int bound = S.loopBound(n); j < bound; j += L) m = m.max(FloatVector.fromArray(S, x, base + j));
    float best = m.reduceLanes(VectorOperators.MAX);
    for (; j < n; j++) best = Math.max(best, x[base + j]);
    // scale > 0, so the maximum of the scaled row is the scaled maximum
    return best * scale;
  }

  /** sum over the row of exp(x[i] * scale - shift), lanes summed in order. */
  private static float sumExp(float[] x, int base, int n, float scale, float shift) {
    FloatVector acc = FloatVector.zero(S);
    FloatVector vScale = FloatVector.broadcast(S, scale);
    FloatVector vShift = FloatVector.broadcast(S, shift);
    int j = 0;
    for (int bound = S.loopBound(n); j < bound; j += L) acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, base + j).mul(vScale).sub(vShift)));
    float sum = VectorMath.sumLanes(acc);
    for (; j < n; j++) sum += (float) Math.exp(x[base + j] * scale - shift);
    return sum;
  }

  /** The row's plain sum, in double. */
  private static double sum(float[] x, int base, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) s += x[base + j];
    return s;
  }
}
