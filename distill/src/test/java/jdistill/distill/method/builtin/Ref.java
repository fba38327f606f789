package jdistill.distill.method.builtin;

import jdistill.engine.Tensor;

/**
 * Plain double-loop reference computations for the loss tests, written independently of the
 * engine's fused kernels and of the helpers under test.
 */
final class Ref {

  private Ref() {}

  static double[] d(Tensor t) {
    return t.detach().toDoubleArray();
  }

  /** softmax(x[off..off+n) / T) restricted to entries with keep[i] (null = all); others 0. */
  static double[] softmax(double[] x, int off, int n, double temperature, boolean[] keep) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) if (keep == null || keep[i]) max = Math.max(max, x[off + i] / temperature);
    double[] p = new double[n];
    double z = 0;
    for (int i = 0; i < n; i++) {
      if (keep != null && !keep[i]) continue;
      p[i] = Math.exp(x[off + i] / temperature - max);
      z += p[i];
    }
    for (int i = 0; i < n; i++) p[i] /= z;
    return p;
  }

  /** T^2 KL(softmax(t/T) || softmax(s/T)) over one row (entries with keep only). */
  static double klRow(double[] s, double[] t, int off, int n, double temperature, boolean[] keep) {
    double[] ps = softmax(s, off, n, temperature, keep);
    double[] pt = softmax(t, off, n, temperature, keep);
    double kl = 0;
    for (int i = 0; i < n; i++) if (pt[i] > 0) kl += pt[i] * (Math.log(pt[i]) - Math.log(ps[i]));
    return temperature * temperature * kl;
  }

  /** -sum softmax(t/T) log softmax(s/T) over one row. */
  static double softCeRow(double[] s, double[] t, int off, int n, double temperature) {
    double[] ps = softmax(s, off, n, temperature, null);
    double[] pt = softmax(t, off, n, temperature, null);
    double ce = 0;
    for (int i = 0; i < n; i++) ce -= pt[i] * Math.log(ps[i]);
    return ce;
  }

  /** -log softmax(x)[target] over one row. */
  static double ceRow(double[] x, int off, int n, int target) {
    return -Math.log(softmax(x, off, n, 1.0, null)[target]);
  }

  /** Mean over one row of squared differences. */
  static double mseRow(double[] a, double[] b, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (a[off + i] - b[off + i]) * (a[off + i] - b[off + i]);
    return s / n;
  }

  /** 1 - cos(a, b) over one row. */
  static double cosDistRow(double[] a, double[] b, int off, int n) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < n; i++) {
      dot += a[off + i] * b[off + i];
      na += a[off + i] * a[off + i];
      nb += b[off + i] * b[off + i];
    }
    return 1 - dot / Math.sqrt(na * nb);
  }

  /** y = x W^T + b for x [rows, in], W [out, in]. */
  static double[] linear(double[] x, int rows, int in, double[] w, double[] bias, int out) {
    double[] y = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
        y[r * out + o] = s;
      }
    }
    return y;
  }

  /** x / ||x|| per row. */
  static double[] normalizeRows(double[] x, int rows, int n) {
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += x[r * n + i] * x[r * n + i];
      double norm = Math.sqrt(s);
      for (int i = 0; i < n; i++) y[r * n + i] = x[r * n + i] / norm;
    }
    return y;
  }

  /**
   * Relation KL for per-head vectors given as full-width rows: x [B, S, W] split into R heads of
   * W/R; for each (b, head, query) with mask[b][q], KL over keys with mask[b][k] of softmax(x_q.x_k /
   * sqrt(W/R)). Returns the mean over counted rows.
   */
  static double relationKl(double[] xs, int ws, double[] xt, int wt, int b, int s, int r, double[][] mask) {
    double sum = 0;
    int rows = 0;
    for (int bi = 0; bi < b; bi++) {
      boolean[] keep = new boolean[s];
      for (int k = 0; k < s; k++) keep[k] = mask == null || mask[bi][k] != 0;
      for (int h = 0; h < r; h++) {
        for (int q = 0; q < s; q++) {
          if (!keep[q]) continue;
          double[] ls = relationRow(xs, ws, bi, s, r, h, q);
          double[] lt = relationRow(xt, wt, bi, s, r, h, q);
          sum += klRow(ls, lt, 0, s, 1.0, keep);
          rows++;
        }
      }
    }
    return sum / rows;
  }

  private static double[] relationRow(double[] x, int w, int bi, int s, int r, int h, int q) {
    int d = w / r;
    double[] out = new double[s];
    for (int k = 0; k < s; k++) {
      double dot = 0;
      for (int i = 0; i < d; i++) dot += x[(bi * s + q) * w + h * d + i] * x[(bi * s + k) * w + h * d + i];
      out[k] = dot / Math.sqrt(d);
    }
    return out;
  }

  /** Per-head tensor [B, h, S, d] as full-width rows [B, S, h*d] (heads concatenated). */
  static double[] mergeHeads(double[] x, int b, int h, int s, int d) {
    double[] out = new double[x.length];
    for (int bi = 0; bi < b; bi++)
      for (int hi = 0; hi < h; hi++)
        for (int si = 0; si < s; si++)
          for (int di = 0; di < d; di++) out[(bi * s + si) * h * d + hi * d + di] = x[((bi * h + hi) * s + si) * d + di];
    return out;
  }

  /**
   * One vector per example from hidden states [b, s, w]: the mean over positions with mask 1
   * (mean), or position 0.
   */
  static double[] pool(double[] h, long[] mask, int b, int s, int w, boolean mean) {
    double[] out = new double[b * w];
    for (int bi = 0; bi < b; bi++) {
      if (!mean) {
        System.arraycopy(h, bi * s * w, out, bi * w, w);
        continue;
      }
      int n = 0;
      for (int si = 0; si < s; si++) {
        if (mask[bi * s + si] == 0) continue;
        n++;
        for (int i = 0; i < w; i++) out[bi * w + i] += h[(bi * s + si) * w + i];
      }
      for (int i = 0; i < w; i++) out[bi * w + i] /= n;
    }
    return out;
  }

  /** Rows [b, w1] and [b, w2] joined into rows [b, w1 + w2]. */
  static double[] concatRows(double[] a, int w1, double[] c, int w2, int b) {
    double[] out = new double[b * (w1 + w2)];
    for (int bi = 0; bi < b; bi++) {
      System.arraycopy(a, bi * w1, out, bi * (w1 + w2), w1);
      System.arraycopy(c, bi * w2, out, bi * (w1 + w2) + w1, w2);
    }
    return out;
  }
}
