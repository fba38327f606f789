package jdistill.engine.cpu;

import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;

/**
 * Fused loss kernels of the CPU backend: cross-entropy and soft-target (distillation) losses per
 * row, with the logit gradient written in the same pass: contiguous F32 rows on float vectors
 * ({@link CpuLossesF32}), everything else element by element in double.
 */
final class CpuLosses {

  private CpuLosses() {}

  static void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double smoothing, Tensor loss, Tensor grad) {
    if (CpuLossesF32.serves(logits, null, grad)) {
      CpuLossesF32.crossEntropy(logits, targets, ignoreIndex, smoothing, loss, grad);
      return;
    }
    int v = logits.shape(-1);
    int rows = Math.toIntExact(logits.numel() / Math.max(v, 1));
    Access.Reader rl = Access.reader(logits);
    Access.Writer wl = Access.writer(loss);
    Access.Writer wg = grad == null ? null : Access.writer(grad);
    int lo = Math.toIntExact(logits.offset());
    int to0 = Math.toIntExact(targets.offset());
    Parallel.forRange(rows, Math.max(1, 4096 / Math.max(v, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        long t = Access.index(targets, to0 + r);
        int base = lo + r * v;
        if (t == ignoreIndex) {
          wl.set(r, 0);
          if (wg != null) for (int j = 0; j < v; j++) wg.set(r * v + j, 0);
          continue;
        }
        if (t < 0 || t >= v) throw new IndexOutOfBoundsException("target " + t + " at row " + r + " is outside [0, " + v + ")");
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) max = Math.max(max, rl.get(base + j));
        double sum = 0;
        double sumLogits = 0;
        for (int j = 0; j < v; j++) {
          double x = rl.get(base + j);
          sum += Math.exp(x - max);
          sumLogits += x;
        }
        double lse = max + Math.log(sum);
        double nll = lse - rl.get(base + (int) t);
        double smooth = lse - sumLogits / v;
        wl.set(r, (1 - smoothing) * nll + smoothing * smooth);
        if (wg != null) {
          for (int j = 0; j < v; j++) {
            double p = Math.exp(rl.get(base + j) - lse);
            wg.set(r * v + j, p - smoothing / v - (j == t ? 1 - smoothing : 0));
          }
        }
      }
    });
  }

  static void softTargetLoss(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor grad) {
    if (CpuLossesF32.serves(student, teacher, grad)) {
      CpuLossesF32.softTargetLoss(kind, student, teacher, temperature, rowMask, loss, grad);
      return;
    }
    int v = student.shape(-1);
    int rows = Math.toIntExact(student.numel() / Math.max(v, 1));
    Access.Reader rs = Access.reader(student);
    Access.Reader rt = Access.reader(teacher);
    Access.Reader rm = rowMask == null ? null : Access.reader(rowMask);
    Access.Writer wl = Access.writer(loss);
    Access.Writer wg = grad == null ? null : Access.writer(grad);
    int so = Math.toIntExact(student.offset());
    int tOff = Math.toIntExact(teacher.offset());
    int mo = rowMask == null ? 0 : Math.toIntExact(rowMask.offset());
    double invT = 1.0 / temperature;
    Parallel.forRange(rows, Math.max(1, 4096 / Math.max(v, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        if (rm != null && rm.get(mo + r) == 0) {
          wl.set(r, 0);
          if (wg != null) for (int j = 0; j < v; j++) wg.set(r * v + j, 0);
          continue;
        }
        int sb = so + r * v;
        int tb = tOff + r * v;
        double sMax = Double.NEGATIVE_INFINITY;
        double tMax = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
          sMax = Math.max(sMax, rs.get(sb + j) * invT);
          tMax = Math.max(tMax, rt.get(tb + j) * invT);
        }
        double sSum = 0;
        double tSum = 0;
        for (int j = 0; j < v; j++) {
          sSum += Math.exp(rs.get(sb + j) * invT - sMax);
          tSum += Math.exp(rt.get(tb + j) * invT - tMax);
        }
        double sLse = sMax + Math.log(sSum);
        double tLse = tMax + Math.log(tSum);
        double acc = 0;
        for (int j = 0; j < v; j++) {
          double logPs = rs.get(sb + j) * invT - sLse;
          double logPt = rt.get(tb + j) * invT - tLse;
          double pt = Math.exp(logPt);
          acc += kind == SoftTargetLoss.KL ? (pt > 0 ? pt * (logPt - logPs) : 0) : -pt * logPs;
          if (wg != null) {
            double g = Math.exp(logPs) - pt;
            wg.set(r * v + j, kind == SoftTargetLoss.KL ? g * temperature : g * invT);
          }
        }
        wl.set(r, kind == SoftTargetLoss.KL ? acc * temperature * temperature : acc);
      }
    });
  }
}
