package jdistill.models.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.ModelGradCheck;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/** GPT-2 against an independent composition of engine primitives written from the state dict. */
class Gpt2ReferenceTest {

  static TransformerConfig tiny() {
    return new TransformerConfig(50, 32, 0, 16, 2, 2, 64, 1e-5, Activation.GELU_TANH, 0, 0);
  }

  /** Layer norm as mean/variance composition over the last dim. */
  static Tensor layerNorm(Tensor x, Tensor w, Tensor b, double eps) {
    Tensor mean = x.mean(-1, true);
    Tensor c = x.sub(mean);
    Tensor var = c.mul(c).mean(-1, true);
    return c.div(var.add(eps).sqrt()).mul(w).add(b);
  }

  /** gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  static Tensor geluNew(Tensor x) {
    Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1.0)).mul(0.5);
  }

  /** Logits [B, S, V] computed head by head, batch row by batch row, from the state dict. */
  static Tensor reference(Map<String, Tensor> sd, TransformerConfig c, long[][] ids) {
    int b = ids.length;
    int s = ids[0].length;
    int h = c.hidden();
    int d = c.headDim();
    double[] causal = new double[s * s];
    for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) causal[i * s + j] = j > i ? 1 : 0;
    Tensor causalMask = Tensor.of(causal, s, s).to(DType.F32);
    List<Tensor> rows = new ArrayList<>();
    for (int r = 0; r < b; r++) {
      Tensor tok = F.indexSelect(sd.get("transformer.wte.weight"), Tensor.ofLongs(ids[r], s));
      Tensor pos = F.indexSelect(sd.get("transformer.wpe.weight"), Tensor.arange(s));
      Tensor x = tok.add(pos);
      for (int l = 0; l < c.layers(); l++) {
        String p = "transformer.h." + l + ".";
        Tensor a = layerNorm(x, sd.get(p + "ln_1.weight"), sd.get(p + "ln_1.bias"), c.eps());
        Tensor qkv = a.matmul(sd.get(p + "attn.c_attn.weight")).add(sd.get(p + "attn.c_attn.bias"));
        List<Tensor> heads = new ArrayList<>();
        for (int hd = 0; hd < c.heads(); hd++) {
          Tensor q = qkv.narrow(1, hd * d, d);
          Tensor k = qkv.narrow(1, h + hd * d, d);
          Tensor v = qkv.narrow(1, 2 * h + hd * d, d);
          Tensor scores = q.matmul(k.transpose(0, 1)).div(Math.sqrt(d)).maskedFill(causalMask, -1e9);
          heads.add(scores.softmax(-1).matmul(v));
        }
        Tensor merged = F.cat(heads, 1);
        x = x.add(merged.matmul(sd.get(p + "attn.c_proj.weight")).add(sd.get(p + "attn.c_proj.bias")));
        Tensor m = layerNorm(x, sd.get(p + "ln_2.weight"), sd.get(p + "ln_2.bias"), c.eps());
        Tensor inter = geluNew(m.matmul(sd.get(p + "mlp.c_fc.weight")).add(sd.get(p + "mlp.c_fc.bias")));
        x = x.add(inter.matmul(sd.get(p + "mlp.c_proj.weight")).add(sd.get(p + "mlp.c_proj.bias")));
      }
      x = layerNorm(x, sd.get("transformer.ln_f.weight"), sd.get("transformer.ln_f.bias"), c.eps());
      rows.add(x.matmul(sd.get("transformer.wte.weight").transpose(0, 1)));
    }
    return F.stack(rows, 0);
  }

  /** Relative error per element, measured against at least a tenth of the largest magnitude (fp32 accumulation noise). */
  static void assertClose(Tensor expected, Tensor actual, double rel) {
    assertArrayEquals(expected.shape(), actual.shape());
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    double scale = 0;
    for (double v : e) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < e.length; i++) {
      double err = Math.abs(e[i] - a[i]);
      assertTrue(err <= rel * Math.max(Math.abs(e[i]), scale * 0.1), "element " + i + ": expected " + e[i] + ", got " + a[i]);
    }
  }

  @Test
  void logitsMatchIndependentComposition() {
    TransformerConfig c = tiny();
    Gpt2 model = new Gpt2(c, new Rng(1));
    ModelGradCheck.randomize(model, new Rng(2), 0.3);
    model.eval();
    long[][] ids = {{3, 17, 42, 0, 9, 49, 5}, {11, 11, 2, 30, 8, 1, 48}};
    long[] flat = new long[14];
    for (int i = 0; i < 2; i++) System.arraycopy(ids[i], 0, flat, i * 7, 7);
    try (var g = GradMode.noGrad()) {
      Tensor logits = model.forward(Tensor.ofLongs(flat, 2, 7));
      Tensor expected = reference(model.stateDict(), c, ids);
      assertArrayEquals(new int[] {2, 7, 50}, logits.shape());
      assertClose(expected, logits, 1e-5);
    }
  }

  @Test
  void parameterNamesAreHuggingFaces() {
    Gpt2 model = new Gpt2(tiny(), new Rng(1));
    var names = model.namedParameters().keySet();
    assertTrue(names.contains("transformer.wte.weight"));
    assertTrue(names.contains("transformer.h.1.attn.c_attn.weight"));
    assertTrue(names.contains("transformer.h.0.mlp.c_proj.bias"));
    assertTrue(names.contains("transformer.ln_f.weight"));
    assertArrayEquals(new int[] {16, 48}, model.stateDict().get("transformer.h.0.attn.c_attn.weight").shape());
    assertEquals(4 + 2 * 12, names.size());
  }

  /**
   * One layer, hidden 4, vocab 3, every projection weight and bias zero, position embeddings zero,
   * LayerNorms at their defaults. The block then adds zero (attention and MLP outputs are 0 since
   * c_proj is zero), so the final hidden state is ln_f(wte[id]). With wte rows a = [1,-1,1,-1],
   * b = [1,1,-1,-1], c = -a (each has mean 0 and variance 1), ln_f(row) = row * s with s =
   * 1/sqrt(1 + eps). Logits are dot products with the rows: for a: [4s, 0, -4s]; for b: [0, 4s, 0].
   * Ids [0, 1, 2]: position 0 (token a) predicts 1 — loss log(e^{4s} + e^0 + e^{-4s}) - 0;
   * position 1 (token b) predicts 2 — loss log(1 + e^{4s} + 1) - 0. The loss is their mean.
   */
  @Test
  void causalLmLossMatchesHandComputedValue() {
    TransformerConfig c = new TransformerConfig(3, 4, 0, 4, 1, 1, 8, 1e-5, Activation.GELU_TANH, 0, 0);
    Gpt2 model = new Gpt2(c, new Rng(3));
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      String n = e.getKey();
      if (n.contains("ln_")) continue;
      e.getValue().copyFrom(Tensor.zeros(e.getValue().shape()));
    }
    model.namedParameters().get("transformer.wte.weight").copyFrom(Tensor.of(new float[] {1, -1, 1, -1, 1, 1, -1, -1, -1, 1, -1, 1}, 3, 4));
    Tensor ids = Tensor.ofLongs(new long[] {0, 1, 2}, 1, 3);
    double loss = CausalLm.loss(model.forward(ids), ids, null).item();
    double s = 1 / Math.sqrt(1 + 1e-5);
    double first = Math.log(Math.exp(4 * s) + 1 + Math.exp(-4 * s));
    double second = Math.log(2 + Math.exp(4 * s));
    assertEquals((first + second) / 2, loss, 1e-6);
    assertEquals(4.0272, loss, 1e-3); // (log 55.617 + log 56.598) / 2 = (4.0184 + 4.0360) / 2
  }

  @Test
  void paddingIsIgnoredByTheLoss() {
    TransformerConfig c = tiny();
    Gpt2 model = new Gpt2(c, new Rng(4));
    model.eval();
    Tensor ids = Tensor.ofLongs(new long[] {1, 2, 3, 4}, 1, 4);
    Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 0}, 1, 4);
    Tensor logits = model.forward(ids);
    double masked = CausalLm.loss(logits, ids, mask).item();
    double shorter = CausalLm.loss(logits.narrow(1, 0, 3), ids.narrow(1, 0, 3), null).item();
    assertEquals(shorter, masked, 1e-6);
  }

  @Test
  void gradientsOfAllParametersPassFloat64Check() {
    TransformerConfig c = new TransformerConfig(5, 4, 0, 4, 2, 2, 8, 1e-5, Activation.GELU_TANH, 0, 0);
    Gpt2 model = new Gpt2(c, new Rng(5));
    ModelGradCheck.randomize(model, new Rng(6), 0.5);
    model.to(DType.F64);
    model.eval();
    Tensor ids = Tensor.ofLongs(new long[] {1, 4, 0, 2, 3, 3, 1, 0}, 2, 4);
    ModelGradCheck.check(model, () -> CausalLm.loss(model.forward(ids), ids, null), 1e-6);
  }
}
