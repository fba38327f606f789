package jdistill.engine;

import static jdistill.engine.TestSupport.assertClose;
import static jdistill.engine.TestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.ops.Attention;
import jdistill.engine.ops.Reduction;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * Forward values of the fused ops against independent references: plain double loops written
 * from the definitions, compositions of primitive ops, and Commons Math's erf. Each is checked in
 * F64 (tight) and F32 (float tolerance).
 */
class FusedForwardTest {

  private static final DType[] FLOATS = {DType.F64, DType.F32};

  private static double tol(DType dt) {
    return dt == DType.F64 ? 1e-13 : 2e-6;
  }

  /** Softmax (or log-softmax) of each row of {@code x} [rows, n], in double, by definition. */
  private static double[] softmaxRows(double[] x, int n, boolean log) {
    double[] out = new double[x.length];
    for (int r = 0; r < x.length / n; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) max = Math.max(max, x[r * n + i]);
      double sum = 0;
      for (int i = 0; i < n; i++) sum += Math.exp(x[r * n + i] - max);
      for (int i = 0; i < n; i++) {
        double z = x[r * n + i] - max;
        out[r * n + i] = log ? z - Math.log(sum) : Math.exp(z) / sum;
      }
    }
    return out;
  }

  @Test
  void softmaxAgainstDefinition() {
    Rng rng = new Rng(1);
    double ninf = Double.NEGATIVE_INFINITY;
    double[] special = {
      1000, 1001, 999, 998, 1000.5, // large values: exp overflows without the max shift
      -1000, -1001, -999, -998, -1000.5, // large negative values
      0.5, ninf, 1.5, ninf, -0.5, // masked entries
      3e38, 1, 2, 3, 4, // a huge value dominates completely
      ninf, ninf, ninf, ninf, 7, // one finite entry left
    };
    for (DType dt : FLOATS) {
      Tensor s = Tensor.of(special, 5, 5).to(dt);
      for (boolean log : new boolean[] {false, true}) {
        double[] expected = softmaxRows(s.toDoubleArray(), 5, log);
        Tensor got = log ? s.logSoftmax(-1) : s.softmax(-1);
        assertClose(expected, got.toDoubleArray(), tol(dt), tol(dt), (log ? "logSoftmax" : "softmax") + " special rows " + dt);
      }
      double[] p = s.softmax(-1).toDoubleArray();
      assertEquals(0.0, p[11]);
      assertEquals(1.0, p[24]);
      assertEquals(Double.NEGATIVE_INFINITY, s.logSoftmax(-1).toDoubleArray()[11]);
      // random rows, with lengths that exercise the vector loop tails, along every dim
      for (int n : new int[] {1, 7, 16, 67}) {
        Tensor x = uniform(rng, -5, 5, 3, n).to(dt);
        for (boolean log : new boolean[] {false, true}) {
          double[] expected = softmaxRows(x.toDoubleArray(), n, log);
          assertClose(expected, (log ? x.logSoftmax(1) : x.softmax(1)).toDoubleArray(), tol(dt), tol(dt), "rows of " + n + " " + dt);
        }
        // along dim 0 equals along the last dim of the transpose
        double[] expected = softmaxRows(x.mT().contiguous().toDoubleArray(), 3, false);
        assertClose(expected, x.softmax(0).mT().contiguous().toDoubleArray(), tol(dt), tol(dt), "softmax dim 0 " + dt);
      }
    }
  }

  @Test
  void softmaxAgainstComposition() {
    Rng rng = new Rng(2);
    Tensor x = uniform(rng, -4, 4, 2, 3, 6);
    for (int dim = 0; dim < 3; dim++) {
      Tensor shifted = x.sub(x.max(dim, true));
      Tensor e = shifted.exp();
      Tensor composed = e.div(e.sum(dim, true));
      assertClose(composed, x.softmax(dim), 1e-15, 1e-14, "softmax dim " + dim);
      Tensor composedLog = shifted.sub(e.sum(dim, true).log());
      assertClose(composedLog, x.logSoftmax(dim), 1e-14, 1e-14, "logSoftmax dim " + dim);
    }
  }

  @Test
  void layerNormAgainstComposition() {
    Rng rng = new Rng(3);
    for (DType dt : FLOATS) {
      for (int n : new int[] {1, 5, 16, 67, 300}) {
        Tensor x = uniform(rng, -2, 2, 4, n).add(3.0).to(dt);
        Tensor w = uniform(rng, 0.5, 1.5, n).to(dt);
        Tensor b = uniform(rng, -1, 1, n).to(dt);
        double eps = 1e-5;
        Tensor x64 = x.to(DType.F64);
        Tensor d = x64.sub(x64.mean(-1, true));
        Tensor var = d.mul(d).mean(-1, true);
        Tensor expected = d.div(var.add(eps).sqrt()).mul(w.to(DType.F64)).add(b.to(DType.F64));
        double t = dt == DType.F64 ? 1e-12 : 2e-5;
        assertClose(expected, F.layerNorm(x, w, b, eps).to(DType.F64), t, t, "layerNorm n=" + n + " " + dt);
      }
      // a constant row normalises to the bias
      Tensor c = Tensor.full(2.5, dt, Device.CPU, 2, 8);
      Tensor w = Tensor.full(3, dt, Device.CPU, 8);
      Tensor b = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 8).to(dt);
      assertClose(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8}, F.layerNorm(c, w, b, 1e-5).toDoubleArray(), 1e-6, 0, "constant rows " + dt);
    }
  }

  @Test
  void crossEntropyAgainstLogSoftmax() {
    Rng rng = new Rng(4);
    long ignore = -100;
    long[] t = {2, 0, ignore, 4, 1, ignore};
    int v = 5;
    for (DType dt : FLOATS) {
      Tensor logits = uniform(rng, -3, 3, 2, 3, v).to(dt);
      Tensor targets = Tensor.ofLongs(t, 2, 3);
      Tensor logp = logits.to(DType.F64).logSoftmax(-1).reshape(6, v);
      double[] lp = logp.toDoubleArray();
      for (double eps : new double[] {0.0, 0.1, 0.7}) {
        double[] perRow = new double[6];
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < 6; r++) {
          if (t[r] == ignore) continue;
          double nll = -lp[r * v + (int) t[r]];
          double uniformTerm = 0;
          for (int j = 0; j < v; j++) uniformTerm -= lp[r * v + j] / v;
          perRow[r] = (1 - eps) * nll + eps * uniformTerm;
          sum += perRow[r];
          counted++;
        }
        double tl = dt == DType.F64 ? 1e-13 : 1e-5;
        assertClose(perRow, F.crossEntropy(logits, targets, ignore, eps, Reduction.NONE).toDoubleArray(), tl, tl, "per row eps=" + eps + " " + dt);
        assertArrayEquals(new int[] {2, 3}, F.crossEntropy(logits, targets, ignore, eps, Reduction.NONE).shape());
        assertEquals(sum, F.crossEntropy(logits, targets, ignore, eps, Reduction.SUM).item(), tl * 10);
        assertEquals(sum / counted, F.crossEntropy(logits, targets, ignore, eps, Reduction.MEAN).item(), tl * 10);
      }
      // -logSoftmax gathered at the targets, composed from primitives (no ignored rows)
      Tensor all = Tensor.ofLongs(new long[] {2, 0, 3, 4, 1, 1}, 6);
      Tensor gathered = F.gather(logp, 1, all.reshape(6, 1)).neg().mean();
      assertEquals(gathered.item(), F.crossEntropy(logits.reshape(6, v), all).item(), dt == DType.F64 ? 1e-14 : 1e-5);
    }
    Tensor allIgnored = Tensor.ofLongs(new long[] {ignore, ignore}, 2);
    Tensor l = uniform(rng, -1, 1, 2, 3);
    assertTrue(Double.isNaN(F.crossEntropy(l, allIgnored, ignore, 0, Reduction.MEAN).item()), "mean over no counted rows is NaN (as torch)");
    assertEquals(0.0, F.crossEntropy(l, allIgnored, ignore, 0, Reduction.SUM).item());
  }

  @Test
  void softTargetAgainstComposition() {
    Rng rng = new Rng(5);
    for (DType dt : FLOATS) {
      Tensor student = uniform(rng, -4, 4, 2, 3, 7).to(dt);
      Tensor teacher = uniform(rng, -4, 4, 2, 3, 7).to(dt);
      Tensor mask = Tensor.ofLongs(new long[] {1, 1, 0, 1, 0, 1}, 2, 3);
      double[] m = mask.toDoubleArray();
      for (double temp : new double[] {1.0, 2.0, 4.5}) {
        Tensor s64 = student.to(DType.F64).div(temp);
        Tensor t64 = teacher.to(DType.F64).div(temp);
        Tensor logPs = s64.logSoftmax(-1);
        Tensor logPt = t64.logSoftmax(-1);
        Tensor pt = logPt.exp();
        double[] kl = pt.mul(logPt.sub(logPs)).sum(-1, false).mul(temp * temp).reshape(6).toDoubleArray();
        double[] ce = pt.mul(logPs).sum(-1, false).neg().reshape(6).toDoubleArray();
        double tl = dt == DType.F64 ? 1e-12 : 1e-5;
        for (SoftTargetLoss kind : SoftTargetLoss.values()) {
          double[] ref = kind == SoftTargetLoss.KL ? kl : ce;
          double[] masked = ref.clone();
          double maskedSum = 0;
          double fullSum = 0;
          for (int r = 0; r < 6; r++) {
            fullSum += ref[r];
            if (m[r] == 0) masked[r] = 0;
            maskedSum += masked[r];
          }
          String label = kind + " T=" + temp + " " + dt;
          assertClose(ref, F.softTarget(kind, student, teacher, temp, null, Reduction.NONE).reshape(6).toDoubleArray(), tl, tl, label);
          assertClose(masked, F.softTarget(kind, student, teacher, temp, mask, Reduction.NONE).reshape(6).toDoubleArray(), tl, tl, label + " masked");
          assertEquals(fullSum, F.softTarget(kind, student, teacher, temp, null, Reduction.SUM).item(), tl * 10, label + " sum");
          assertEquals(fullSum / 6, F.softTarget(kind, student, teacher, temp, null, Reduction.MEAN).item(), tl * 10, label + " mean");
          assertEquals(maskedSum / 4, F.softTarget(kind, student, teacher, temp, mask, Reduction.MEAN).item(), tl * 10, label + " masked mean");
        }
        assertEquals(F.softTarget(SoftTargetLoss.KL, student, teacher, temp, mask, Reduction.MEAN).item(), F.klDiv(student, teacher, temp, mask).item(), 0);
      }
      assertEquals(0.0, F.klDiv(student, student, 3.0, null).item(), 1e-6, "KL of identical distributions");
    }
  }

  @Test
  void attentionAgainstLoops() {
    Rng rng = new Rng(6);
    int b = 2;
    int h = 2;
    int sq = 3;
    int sk = 5;
    int d = 4;
    int dv = 3;
    Tensor q = uniform(rng, -1, 1, b, h, sq, d);
    Tensor k = uniform(rng, -1, 1, b, h, sk, d);
    Tensor v = uniform(rng, -1, 1, b, h, sk, dv);
    long[] keep = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    Tensor keyMask = Tensor.ofLongs(keep, b, 1, 1, sk);
    double scale = 0.37;
    for (boolean causal : new boolean[] {false, true}) {
      for (boolean padded : new boolean[] {false, true}) {
        double[] expected = attention(q.toDoubleArray(), k.toDoubleArray(), v.toDoubleArray(), padded ? keep : null, causal, b, h, sq, sk, d, dv, scale);
        for (DType dt : FLOATS) {
          Attention.Result r = Attention.sdpa(q.to(dt), k.to(dt), v.to(dt), padded ? keyMask : null, causal, scale);
          double tl = dt == DType.F64 ? 1e-13 : 2e-6;
          assertClose(expected, r.output().toDoubleArray(), tl, tl, "sdpa causal=" + causal + " padded=" + padded + " " + dt);
          assertArrayEquals(new int[] {b, h, sq, dv}, r.output().shape());
          assertArrayEquals(new int[] {b, h, sq, sk}, r.probs().shape());
          double[] probs = r.probs().toDoubleArray();
          for (int i = 0; i < b * h * sq; i++) {
            double rowSum = 0;
            for (int j = 0; j < sk; j++) {
              int bi = i / (h * sq);
              int qi = i % sq;
              boolean hidden = (padded && keep[bi * sk + j] == 0) || (causal && j > qi + (sk - sq));
              if (hidden) assertEquals(0.0, probs[i * sk + j], "masked probability row " + i + " key " + j);
              rowSum += probs[i * sk + j];
            }
            assertEquals(1.0, rowSum, 1e-6);
          }
        }
      }
    }
  }

  private static double[] attention(double[] q, double[] k, double[] v, long[] keep, boolean causal, int b, int h, int sq, int sk, int d, int dv, double scale) {
    double[] out = new double[b * h * sq * dv];
    for (int bi = 0; bi < b; bi++) {
      for (int hi = 0; hi < h; hi++) {
        int bh = bi * h + hi;
        for (int i = 0; i < sq; i++) {
          double[] s = new double[sk];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < sk; j++) {
            boolean hidden = (keep != null && keep[bi * sk + j] == 0) || (causal && j > i + (sk - sq));
            if (hidden) {
              s[j] = Double.NEGATIVE_INFINITY;
              continue;
            }
            double dot = 0;
            for (int c = 0; c < d; c++) dot += q[(bh * sq + i) * d + c] * k[(bh * sk + j) * d + c];
            s[j] = dot * scale;
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j < sk; j++) sum += Math.exp(s[j] - max);
          for (int c = 0; c < dv; c++) {
            double acc = 0;
            for (int j = 0; j < sk; j++) acc += Math.exp(s[j] - max) / sum * v[(bh * sk + j) * dv + c];
            out[(bh * sq + i) * dv + c] = acc;
          }
        }
      }
    }
    return out;
  }

  @Test
  void embeddingRows() {
    Rng rng = new Rng(7);
    for (DType dt : new DType[] {DType.F64, DType.F32, DType.BF16}) {
      Tensor table = uniform(rng, -1, 1, 6, 5).to(dt);
      double[] tv = table.toDoubleArray();
      long[] ids = {5, 0, 3, 3, 1, 5, 2, 4};
      Tensor out = F.embedding(table, Tensor.ofLongs(ids, 2, 4));
      assertArrayEquals(new int[] {2, 4, 5}, out.shape());
      assertEquals(dt, out.dtype());
      double[] ov = out.toDoubleArray();
      for (int i = 0; i < ids.length; i++) {
        for (int j = 0; j < 5; j++) assertEquals(tv[(int) ids[i] * 5 + j], ov[i * 5 + j], "row " + i + " col " + j + " " + dt);
      }
      Tensor viaInts = F.embedding(table, Tensor.ofInts(new int[] {5, 0, 3, 3, 1, 5, 2, 4}, 8));
      assertArrayEquals(ov, viaInts.toDoubleArray());
    }
  }

  @Test
  void geluFormsAgainstFormulas() {
    double[] xs = new double[401];
    for (int i = 0; i < xs.length; i++) xs[i] = -10 + 0.05 * i;
    double[] tanhForm = new double[xs.length];
    double[] erfForm = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double x = xs[i];
      tanhForm[i] = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
      erfForm[i] = 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
    }
    Tensor x = Tensor.of(xs, xs.length);
    assertClose(tanhForm, x.gelu().toDoubleArray(), 1e-15, 1e-14, "gelu tanh F64");
    assertClose(erfForm, x.geluErf().toDoubleArray(), 1e-15, 1e-14, "gelu erf F64");
    assertClose(tanhForm, x.to(DType.F32).gelu().toDoubleArray(), 2e-6, 2e-6, "gelu tanh F32");
    assertClose(erfForm, x.to(DType.F32).geluErf().toDoubleArray(), 2e-6, 2e-6, "gelu erf F32");
    // strided F32 input takes the scalar path of the F32 kernel
    Tensor strided = Tensor.of(xs, xs.length).to(DType.F32).reshape(401, 1).expand(401, 2).select(1, 1);
    assertClose(erfForm, strided.geluErf().toDoubleArray(), 2e-6, 2e-6, "gelu erf F32 strided");
    // known values: GELU(1) = 0.8413447..., tanh form 0.8411920...
    assertEquals(0.8413447460685429, Tensor.of(new double[] {1}, 1).geluErf().item(), 1e-15);
    assertEquals(0.8411919906082768, Tensor.of(new double[] {1}, 1).gelu().item(), 1e-15);
  }
}
