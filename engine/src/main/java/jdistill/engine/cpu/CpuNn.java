package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Row-wise fused kernels of the CPU backend: softmax, log-softmax and layer norm, with backwards. */
final class CpuNn {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private CpuNn() {}

  static void softmax(Tensor x, boolean log, Tensor out) {
    int n = x.shape(-1);
    int rows = n == 0 ? 0 : Math.toIntExact(x.numel() / n);
    int xo = Math.toIntExact(x.offset());
    if (x.dtype() == DType.F32) {
      float[] xa = ((CpuStorage) x.storage()).floats();
      float[] oa = ((CpuStorage) out.storage()).floats();
      Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
        for (int r = from; r < to; r++) softmaxRowF32(xa, xo + r * n, oa, r * n, n, log);
      });
      return;
    }
    // F64, and the 16-bit storage types computed in double (they used to hit a ClassCastException)
    Access.Reader rx = Access.reader(x);
    Access.Writer w = Access.writer(out);
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int xb = xo + r * n;
        int ob = r * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, rx.get(xb + i));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(rx.get(xb + i) - max);
        if (log) {
          // (x - max) - log(sum), not x - (max + log(sum)): the latter rounds away low bits for large x
          double logSum = Math.log(sum);
          for (int i = 0; i < n; i++) w.set(ob + i, (rx.get(xb + i) - max) - logSum);
        } else {
          for (int i = 0; i < n; i++) w.set(ob + i, Math.exp(rx.get(xb + i) - max) / sum);
        }
      }
    });
  }

  private static void softmaxRowF32(float[] x, int xb, float[] out, int ob, int n, boolean log) {
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) vmax = vmax.max(FloatVector.fromArray(S, x, xb + i));
    float max = vmax.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) max = Math.max(max, x[xb + i]);
    if (max == Float.NEGATIVE_INFINITY) max = 0f;
    FloatVector vm = FloatVector.broadcast(S, max);
    FloatVector vsum = FloatVector.zero(S);
    i = 0;
    for (; i < bound; i += S.length()) {
      FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xb + i).sub(vm));
      if (!log) e.intoArray(out, ob + i);
      vsum = vsum.add(e);
    }
    float sum = VectorMath.sumLanes(vsum);
    for (; i < n; i++) {
      float e = (float) Math.exp(x[xb + i] - max);
      if (!log) out[ob + i] = e;
      sum += e;
    }
    if (log) {
      // (x - max) - log(sum): x - max is exact for nearby values, max + log(sum) would round at large x
      float logSum = (float) Math.log(sum);
      FloatVector vl = FloatVector.broadcast(S, logSum);
      i = 0;
      for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xb + i).sub(vm).sub(vl).intoArray(out, ob + i);
      for (; i < n; i++) out[ob + i] = (x[xb + i] - max) - logSum;
    } else {
      float inv = (float) (1.0 / sum);
      i = 0;
      for (; i < bound; i += S.length()) FloatVector.fromArray(S, out, ob + i).mul(inv).intoArray(out, ob + i);
      for (; i < n; i++) out[ob + i] *= inv;
    }
  }

  static void softmaxBackward(Tensor y, Tensor dy, boolean log, Tensor dx) {
    int n = y.shape(-1);
    int rows = n == 0 ? 0 : Math.toIntExact(y.numel() / n);
    if (y.dtype() == DType.F32 && dy.dtype() == DType.F32 && dx.dtype() == DType.F32 && y.isContiguous() && dy.isContiguous() && dx.isContiguous()) {
      float[] ya = ((CpuStorage) y.storage()).floats();
      float[] ga = ((CpuStorage) dy.storage()).floats();
      float[] da = ((CpuStorage) dx.storage()).floats();
      int yo = Math.toIntExact(y.offset());
      int go = Math.toIntExact(dy.offset());
      int dxo = Math.toIntExact(dx.offset());
      Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
        for (int r = from; r < to; r++) softmaxBackwardRowF32(ya, yo + r * n, ga, go + r * n, da, dxo + r * n, n, log);
      });
      return;
    }
    Access.Reader ry = Access.reader(y);
    Access.Reader rdy = Access.reader(dy);
    Access.Writer w = Access.writer(dx);
    int yo = Math.toIntExact(y.offset());
    int dyo = Math.toIntExact(dy.offset());
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int yb = yo + r * n;
        int db = dyo + r * n;
        double s = 0;
        if (log) {
          for (int i = 0; i < n; i++) s += rdy.get(db + i);
          for (int i = 0; i < n; i++) w.set(r * n + i, rdy.get(db + i) - Math.exp(ry.get(yb + i)) * s);
        } else {
          for (int i = 0; i < n; i++) s += rdy.get(db + i) * ry.get(yb + i);
          for (int i = 0; i < n; i++) w.set(r * n + i, ry.get(yb + i) * (rdy.get(db + i) - s));
        }
      }
    });
  }

  /** dx = y (dy - sum(dy y)) for softmax, dx = dy - exp(y) sum(dy) for log-softmax, on one row. */
  private static void softmaxBackwardRowF32(float[] y, int yb, float[] dy, int gb, float[] dx, int db, int n, boolean log) {
    int bound = S.loopBound(n);
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (; i < bound; i += S.length()) {
      FloatVector g = FloatVector.fromArray(S, dy, gb + i);
      acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, yb + i), acc);
    }
    float sum = VectorMath.sumLanes(acc);
    for (; i < n; i++) sum = log ? sum + dy[gb + i] : Math.fma(dy[gb + i], y[yb + i], sum);
    FloatVector vs = FloatVector.broadcast(S, sum);
    i = 0;
    for (; i < bound; i += S.length()) {
      FloatVector g = FloatVector.fromArray(S, dy, gb + i);
      FloatVector yv = FloatVector.fromArray(S, y, yb + i);
      (log ? g.sub(VectorMath.exp(yv).mul(vs)) : yv.mul(g.sub(vs))).intoArray(dx, db + i);
    }
    for (; i < n; i++) dx[db + i] = log ? dy[gb + i] - (float) Math.exp(y[yb + i]) * sum : y[yb + i] * (dy[gb + i] - sum);
  }

  static void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
    int n = x.shape(-1);
    int rows = n == 0 ? 0 : Math.toIntExact(x.numel() / n);
    int xo = Math.toIntExact(x.offset());
    Access.Writer wm = Access.writer(mean);
    Access.Writer wr = Access.writer(rstd);
    if (x.dtype() == DType.F32) {
      float[] xa = ((CpuStorage) x.storage()).floats();
      float[] g = ((CpuStorage) weight.storage()).floats();
      float[] b = ((CpuStorage) bias.storage()).floats();
      int go = Math.toIntExact(weight.offset());
      int bo = Math.toIntExact(bias.offset());
      float[] oa = ((CpuStorage) out.storage()).floats();
      Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
        for (int r = from; r < to; r++) {
          int xb = xo + r * n;
          float mu = CpuReduce.rowSum(xa, xb, n) / n;
          FloatVector vmu = FloatVector.broadcast(S, mu);
          FloatVector vvar = FloatVector.zero(S);
          int i = 0;
          int bound = S.loopBound(n);
          for (; i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, xa, xb + i).sub(vmu);
            vvar = d.fma(d, vvar);
          }
          float var = VectorMath.sumLanes(vvar);
          for (; i < n; i++) var += (xa[xb + i] - mu) * (xa[xb + i] - mu);
          float rs = (float) (1.0 / Math.sqrt(var / n + eps));
          wm.set(r, mu);
          wr.set(r, rs);
          FloatVector vrs = FloatVector.broadcast(S, rs);
          i = 0;
          for (; i < bound; i += S.length()) {
            FloatVector xn = FloatVector.fromArray(S, xa, xb + i).sub(vmu).mul(vrs);
            xn.fma(FloatVector.fromArray(S, g, go + i), FloatVector.fromArray(S, b, bo + i)).intoArray(oa, r * n + i);
          }
          for (; i < n; i++) oa[r * n + i] = (xa[xb + i] - mu) * rs * g[go + i] + b[bo + i];
        }
      });
      return;
    }
    Access.Reader rx = Access.reader(x);
    Access.Reader rg = Access.reader(weight);
    Access.Reader rb = Access.reader(bias);
    Access.Writer w = Access.writer(out);
    int go = Math.toIntExact(weight.offset());
    int bo = Math.toIntExact(bias.offset());
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int xb = xo + r * n;
        double mu = 0;
        for (int i = 0; i < n; i++) mu += rx.get(xb + i);
        mu /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (rx.get(xb + i) - mu) * (rx.get(xb + i) - mu);
        double rs = 1.0 / Math.sqrt(var / n + eps);
        wm.set(r, mu);
        wr.set(r, rs);
        for (int i = 0; i < n; i++) w.set(r * n + i, (rx.get(xb + i) - mu) * rs * rg.get(go + i) + rb.get(bo + i));
      }
    });
  }

  static void layerNormBackward(Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias) {
    int n = x.shape(-1);
    int rows = n == 0 ? 0 : Math.toIntExact(x.numel() / n);
    Access.Reader rdy = Access.reader(dy);
    Access.Reader rx = Access.reader(x);
    Access.Reader rg = Access.reader(weight);
    Access.Reader rm = Access.reader(mean);
    Access.Reader rr = Access.reader(rstd);
    Access.Writer wdx = Access.writer(dx);
    int dyo = Math.toIntExact(dy.offset());
    int xo = Math.toIntExact(x.offset());
    int go = Math.toIntExact(weight.offset());
    int mo = Math.toIntExact(mean.offset());
    int ro = Math.toIntExact(rstd.offset());
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), (from, to) -> {
      for (int r = from; r < to; r++) {
        double mu = rm.get(mo + r);
        double rs = rr.get(ro + r);
        double sumG = 0;
        double sumGx = 0;
        for (int i = 0; i < n; i++) {
          double g = rdy.get(dyo + r * n + i) * rg.get(go + i);
          double xh = (rx.get(xo + r * n + i) - mu) * rs;
          sumG += g;
          sumGx += g * xh;
        }
        double mg = sumG / n;
        double mgx = sumGx / n;
        for (int i = 0; i < n; i++) {
          double g = rdy.get(dyo + r * n + i) * rg.get(go + i);
          double xh = (rx.get(xo + r * n + i) - mu) * rs;
          wdx.set(r * n + i, rs * (g - mg - xh * mgx));
        }
      }
    });
    // parameter gradients: column sums over rows, parallel over columns (deterministic order)
    Access.Reader rdw = Access.reader(dweight);
    Access.Reader rdb = Access.reader(dbias);
    Access.Writer wdw = Access.writer(dweight);
    Access.Writer wdb = Access.writer(dbias);
    int dwo = Math.toIntExact(dweight.offset());
    int dbo = Math.toIntExact(dbias.offset());
    Parallel.forRange(n, 64, (from, to) -> {
      double[] sw = new double[to - from];
      double[] sb = new double[to - from];
      for (int r = 0; r < rows; r++) {
        double mu = rm.get(mo + r);
        double rs = rr.get(ro + r);
        for (int i = from; i < to; i++) {
          double d = rdy.get(dyo + r * n + i);
          sw[i - from] += d * (rx.get(xo + r * n + i) - mu) * rs;
          sb[i - from] += d;
        }
      }
      for (int i = from; i < to; i++) {
        wdw.set(dwo + i, rdw.get(dwo + i) + sw[i - from]);
        wdb.set(dbo + i, rdb.get(dbo + i) + sb[i - from]);
      }
    });
  }
}
