package jdistill.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.ModelGradCheck;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** BERT and its heads against an independent composition of engine primitives from the state dict. */
class BertReferenceTest {

  static TransformerConfig tiny() {
    return new TransformerConfig(40, 16, 2, 16, 2, 2, 32, 1e-12, Activation.GELU_ERF, 0, 0);
  }

  static Tensor layerNorm(Tensor x, Tensor w, Tensor b, double eps) {
    Tensor mean = x.mean(-1, true);
    Tensor c = x.sub(mean);
    Tensor var = c.mul(c).mean(-1, true);
    return c.div(var.add(eps).sqrt()).mul(w).add(b);
  }

  /** x W^T + b for a [out, in] weight, written as a plain matmul. */
  static Tensor dense(Map<String, Tensor> sd, String p, Tensor x) {
    return x.matmul(sd.get(p + ".weight").transpose(0, 1)).add(sd.get(p + ".bias"));
  }

  /** Exact GELU 0.5 x (1 + erf(x / sqrt 2)), element by element through commons-math's erf. */
  static Tensor geluErf(Tensor x) {
    double[] v = x.to(DType.F64).toDoubleArray();
    for (int i = 0; i < v.length; i++) v[i] = 0.5 * v[i] * (1 + Erf.erf(v[i] / Math.sqrt(2)));
    return Tensor.of(v, x.shape()).to(x.dtype());
  }

  /** Last hidden states [B, S, H] row by row, head by head; {@code prefix} "" or "bert.". */
  static Tensor reference(Map<String, Tensor> sd, String prefix, TransformerConfig c, long[][] ids, long[][] types, long[][] mask) {
    int s = ids[0].length;
    int d = c.headDim();
    List<Tensor> rows = new ArrayList<>();
    for (int r = 0; r < ids.length; r++) {
      String e = prefix + "embeddings.";
      Tensor x = F.indexSelect(sd.get(e + "word_embeddings.weight"), Tensor.ofLongs(ids[r], s))
          .add(F.indexSelect(sd.get(e + "position_embeddings.weight"), Tensor.arange(s)))
          .add(F.indexSelect(sd.get(e + "token_type_embeddings.weight"), Tensor.ofLongs(types[r], s)));
      x = layerNorm(x, sd.get(e + "LayerNorm.weight"), sd.get(e + "LayerNorm.bias"), c.eps());
      double[] padded = new double[s];
      for (int j = 0; j < s; j++) padded[j] = mask[r][j] == 0 ? 1 : 0;
      Tensor keyPad = Tensor.of(padded, 1, s).to(DType.F32);
      for (int l = 0; l < c.layers(); l++) {
        String p = prefix + "encoder.layer." + l + ".";
        Tensor q = dense(sd, p + "attention.self.query", x);
        Tensor k = dense(sd, p + "attention.self.key", x);
        Tensor v = dense(sd, p + "attention.self.value", x);
        List<Tensor> heads = new ArrayList<>();
        for (int h = 0; h < c.heads(); h++) {
          Tensor scores = q.narrow(1, h * d, d).matmul(k.narrow(1, h * d, d).transpose(0, 1)).div(Math.sqrt(d)).maskedFill(keyPad, -1e9);
          heads.add(scores.softmax(-1).matmul(v.narrow(1, h * d, d)));
        }
        Tensor a = dense(sd, p + "attention.output.dense", F.cat(heads, 1));
        Tensor h1 = layerNorm(a.add(x), sd.get(p + "attention.output.LayerNorm.weight"), sd.get(p + "attention.output.LayerNorm.bias"), c.eps());
        Tensor inter = geluErf(dense(sd, p + "intermediate.dense", h1));
        x = layerNorm(dense(sd, p + "output.dense", inter).add(h1), sd.get(p + "output.LayerNorm.weight"), sd.get(p + "output.LayerNorm.bias"), c.eps());
      }
      rows.add(x);
    }
    return F.stack(rows, 0);
  }

  static void assertClose(Tensor expected, Tensor actual, double rel) {
    assertArrayEquals(expected.shape(), actual.shape());
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    double scale = 0;
    for (double v : e) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < e.length; i++) {
      assertTrue(Math.abs(e[i] - a[i]) <= rel * Math.max(Math.abs(e[i]), scale * 0.1), "element " + i + ": expected " + e[i] + ", got " + a[i]);
    }
  }

  static final long[][] IDS = {{2, 7, 19, 33, 5, 0}, {2, 11, 39, 4, 0, 0}};
  static final long[][] TYPES = {{0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 0, 0}};
  static final long[][] MASK = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}};

  static Tensor flat(long[][] a) {
    long[] f = new long[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
    return Tensor.ofLongs(f, a.length, a[0].length);
  }

  @Test
  void baseModelMatchesIndependentComposition() {
    TransformerConfig c = tiny();
    Bert bert = new Bert(c, true, new Rng(1));
    ModelGradCheck.randomize(bert, new Rng(2), 0.3);
    bert.eval();
    try (var g = GradMode.noGrad()) {
      Tensor hidden = bert.forward(flat(IDS), flat(MASK), flat(TYPES), TapRecorder.none());
      assertClose(reference(bert.stateDict(), "", c, IDS, TYPES, MASK), hidden, 1e-5);
    }
  }

  @Test
  void maskedLmHeadMatches() {
    TransformerConfig c = tiny();
    BertForMaskedLm m = new BertForMaskedLm(c, new Rng(3));
    ModelGradCheck.randomize(m, new Rng(4), 0.3);
    m.eval();
    try (var g = GradMode.noGrad()) {
      Tensor logits = m.forward(flat(IDS), flat(MASK), flat(TYPES), TapRecorder.none()).logits();
      Map<String, Tensor> sd = m.stateDict();
      Tensor h = reference(sd, "bert.", c, IDS, TYPES, MASK);
      Tensor t = layerNorm(geluErf(dense(sd, "cls.predictions.transform.dense", h)), sd.get("cls.predictions.transform.LayerNorm.weight"),
          sd.get("cls.predictions.transform.LayerNorm.bias"), c.eps());
      Tensor expected = t.matmul(sd.get("bert.embeddings.word_embeddings.weight").transpose(0, 1)).add(sd.get("cls.predictions.bias"));
      assertArrayEquals(new int[] {2, 6, 40}, logits.shape());
      assertClose(expected, logits, 1e-5);
    }
    assertTrue(!m.stateDict().containsKey("bert.pooler.dense.weight"), "BertForMaskedLM has no pooler");
  }

  @Test
  void sequenceAndTokenClassificationHeadsMatch() {
    TransformerConfig c = tiny();
    BertForSequenceClassification seq = new BertForSequenceClassification(c, 3, new Rng(5));
    ModelGradCheck.randomize(seq, new Rng(6), 0.3);
    BertForTokenClassification tok = new BertForTokenClassification(c, 4, new Rng(7));
    ModelGradCheck.randomize(tok, new Rng(8), 0.3);
    seq.eval();
    tok.eval();
    try (var g = GradMode.noGrad()) {
      Map<String, Tensor> sd = seq.stateDict();
      Tensor h = reference(sd, "bert.", c, IDS, TYPES, MASK);
      Tensor cls = h.select(1, 0);
      Tensor pooled = dense(sd, "bert.pooler.dense", cls).tanh();
      assertClose(dense(sd, "classifier", pooled), seq.forward(flat(IDS), flat(MASK), flat(TYPES), TapRecorder.none()).logits(), 1e-5);

      Map<String, Tensor> sdt = tok.stateDict();
      Tensor ht = reference(sdt, "bert.", c, IDS, TYPES, MASK);
      Tensor logits = tok.forward(flat(IDS), flat(MASK), flat(TYPES), TapRecorder.none()).logits();
      assertArrayEquals(new int[] {2, 6, 4}, logits.shape());
      assertClose(dense(sdt, "classifier", ht), logits, 1e-5);
    }
  }

  @Test
  void gradientsOfAllParametersPassFloat64Check() {
    TransformerConfig c = new TransformerConfig(6, 4, 2, 4, 1, 2, 8, 1e-12, Activation.GELU_ERF, 0, 0);
    BertForMaskedLm m = new BertForMaskedLm(c, new Rng(9));
    ModelGradCheck.randomize(m, new Rng(10), 0.5);
    m.to(DType.F64);
    m.eval();
    Tensor ids = Tensor.ofLongs(new long[] {1, 5, 3, 0, 2, 4, 0, 0}, 2, 4);
    Tensor types = Tensor.ofLongs(new long[] {0, 0, 1, 1, 0, 1, 0, 0}, 2, 4);
    Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4);
    Tensor labels = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 0, 1, 2}, 8);
    ModelGradCheck.check(m, () -> F.crossEntropy(m.forward(ids, mask, types, TapRecorder.none()).logits().reshape(8, 6), labels), 1e-6);
  }
}
