package jdistill.engine.cpu;

import java.util.Arrays;
import jdistill.engine.Tensor;

/**
 * F64 fused attention on the CPU: the arithmetic of {@link CpuAttention} in plain scalar double
 * loops, row by row (the reference the float64 gradient checks run against). Forward tasks are
 * query rows; backward tasks are (batch, head) pairs, which own their dK and dV.
 */
final class CpuAttentionF64 {

  private CpuAttentionF64() {}

  static void forward(CpuAttention.Dims g, Tensor q, Tensor k, Tensor v, boolean[] keep, double scale, Tensor out, Tensor lse) {
    double[] qa = doubles(q);
    double[] ka = doubles(k);
    double[] va = doubles(v);
    double[] oa = doubles(out);
    int qo = off(q);
    int ko = off(k);
    int vo = off(v);
    int oo = off(out);
    int lo = off(lse);
    Access.Writer lw = Access.writer(lse);
    int d = g.d();
    int rows = g.batch() * g.heads() * g.sq();
    Parallel.forRange(rows, Math.max(1, CpuAttention.ROWS_PER_TASK), (from, to) -> {
      double[] s = new double[g.sk()];
      for (int row = from; row < to; row++) {
        int bh = row / g.sq();
        int i = row % g.sq();
        int b = bh / g.heads();
        int n = g.visible(i);
        int qb = qo + row * d;
        int ob = oo + row * d;
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          if (keep != null && !keep[b * g.sk() + j]) {
            s[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          int kb = ko + (bh * g.sk() + j) * d;
          double dot = 0;
          for (int c = 0; c < d; c++) dot += qa[qb + c] * ka[kb + c];
          s[j] = dot * scale;
          m = Math.max(m, s[j]);
        }
        Arrays.fill(oa, ob, ob + d, 0.0);
        if (m == Double.NEGATIVE_INFINITY) {
          lw.set(lo + row, Double.NEGATIVE_INFINITY);
          continue;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - m);
          sum += s[j];
        }
        for (int j = 0; j < n; j++) {
          if (s[j] == 0) continue;
          double pj = s[j] / sum;
          int vb = vo + (bh * g.sk() + j) * d;
          for (int c = 0; c < d; c++) oa[ob + c] += pj * va[vb + c];
        }
        lw.set(lo + row, m + Math.log(sum));
      }
    });
  }

  static void backward(CpuAttention.Dims g, Tensor q, Tensor k, Tensor v, boolean[] keep, double scale, Tensor out, Tensor lse, Tensor dOut,
      Tensor dq, Tensor dk, Tensor dv) {
    double[] qa = doubles(q);
    double[] ka = doubles(k);
    double[] va = doubles(v);
    double[] oa = doubles(out);
    double[] ga = doubles(dOut);
    double[] dqa = doubles(dq);
    double[] dka = doubles(dk);
    double[] dva = doubles(dv);
    int qo = off(q);
    int ko = off(k);
    int vo = off(v);
    int oo = off(out);
    int go = off(dOut);
    int dqo = off(dq);
    int dko = off(dk);
    int dvo = off(dv);
    int lo = off(lse);
    Access.Reader lr = Access.reader(lse);
    int d = g.d();
    Parallel.forRange(g.batch() * g.heads(), 1, (from, to) -> {
      for (int bh = from; bh < to; bh++) {
        int b = bh / g.heads();
        Arrays.fill(dka, dko + bh * g.sk() * d, dko + (bh + 1) * g.sk() * d, 0.0);
        Arrays.fill(dva, dvo + bh * g.sk() * d, dvo + (bh + 1) * g.sk() * d, 0.0);
        for (int i = 0; i < g.sq(); i++) {
          int row = bh * g.sq() + i;
          int qb = qo + row * d;
          int gb = go + row * d;
          int dqb = dqo + row * d;
          Arrays.fill(dqa, dqb, dqb + d, 0.0);
          double l = lr.get(lo + row);
          int n = g.visible(i);
          if (l == Double.NEGATIVE_INFINITY || n == 0) continue;
          double delta = 0;
          for (int c = 0; c < d; c++) delta += ga[gb + c] * oa[oo + row * d + c];
          for (int j = 0; j < n; j++) {
            if (keep != null && !keep[b * g.sk() + j]) continue;
            int kb = ko + (bh * g.sk() + j) * d;
            int vb = vo + (bh * g.sk() + j) * d;
            double sc = 0;
            double dp = 0;
            for (int c = 0; c < d; c++) {
              sc += qa[qb + c] * ka[kb + c];
              dp += ga[gb + c] * va[vb + c];
            }
            double p = Math.exp(sc * scale - l);
            double ds = p * (dp - delta);
            int dkb = dko + (bh * g.sk() + j) * d;
            int dvb = dvo + (bh * g.sk() + j) * d;
            for (int c = 0; c < d; c++) {
              dqa[dqb + c] += ds * ka[kb + c];
              dka[dkb + c] += scale * ds * qa[qb + c];
              dva[dvb + c] += p * ga[gb + c];
            }
          }
          for (int c = 0; c < d; c++) dqa[dqb + c] *= scale;
        }
      }
    });
  }

  private static double[] doubles(Tensor t) {
    return ((CpuStorage) t.storage()).doubles();
  }

  private static int off(Tensor t) {
    return CpuAttention.off(t);
  }
}
