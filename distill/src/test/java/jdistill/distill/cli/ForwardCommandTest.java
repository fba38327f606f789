package jdistill.distill.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.io.Safetensors;
import jdistill.engine.nn.Parameter;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.ByteLevelBpeTrainer;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jdistill forward} through picocli on a tiny random GPT-2 saved as a Hugging Face folder
 * with a byte-level BPE tokenizer trained here. The logits and hidden states in the output file
 * are checked against GPT-2 composed here, independently, from engine primitives and the weights
 * read back from model.safetensors, one line at a time without padding.
 */
class ForwardCommandTest {
  @TempDir Path dir;
  Path folder;
  Path input;
  Tokenizer tokenizer;
  TransformerConfig config;
  StringWriter out;
  StringWriter err;

  static final int POSITIONS = 24;

  static final List<String> CORPUS = List.of(
      "The cat sat on the mat and looked at the dog.",
      "A dog ran across the park to catch the ball.",
      "She reads a book every evening before she sleeps.",
      "The weather was cold, so they stayed at home.",
      "He cooked pasta with tomatoes, garlic and olive oil.",
      "Birds sing in the trees early in the morning.");

  static final List<String> LINES = List.of(
      "The cat sat on the mat.",
      "Birds sing early.",
      "He cooked pasta with tomatoes, garlic and olive oil, and the children played in the snow until it was dark outside.",
      "Zebras!",
      "A dog ran across the park to catch the ball, then it ran home again, tired and happy.");

  @BeforeEach
  void folder() throws Exception {
    tokenizer = ByteLevelBpeTrainer.gpt2(300).train(CORPUS);
    config = new TransformerConfig(tokenizer.vocabSize(), POSITIONS, 0, 16, 2, 2, 32, 1e-5, Activation.GELU_TANH, 0, 0);
    Gpt2 model = new Gpt2(config, new Rng(7));
    Rng rng = new Rng(8);
    for (Parameter p : model.parameters()) p.copyFrom(Tensor.randn(rng, 0.3, p.shape()));
    folder = dir.resolve("gpt2");
    HfCheckpoint.save(model, folder);
    tokenizer.save(folder.resolve("tokenizer.json"));
    input = dir.resolve("in.txt");
    Files.writeString(input, String.join("\n", LINES) + "\n", StandardCharsets.UTF_8);
  }

  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  // ---------------------------------------------------------------- the independent GPT-2

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

  /** Final hidden state [S, H] and logits [S, V] of one unpadded sequence, head by head, from HF-named weights. */
  static Tensor[] reference(Map<String, Tensor> sd, TransformerConfig c, long[] ids) {
    int s = ids.length;
    int h = c.hidden();
    int d = c.headDim();
    double[] causal = new double[s * s];
    for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) causal[i * s + j] = j > i ? 1 : 0;
    Tensor causalMask = Tensor.of(causal, s, s).to(DType.F32);
    Tensor x = F.indexSelect(sd.get("wte.weight"), Tensor.ofLongs(ids, s)).add(F.indexSelect(sd.get("wpe.weight"), Tensor.arange(s)));
    for (int l = 0; l < c.layers(); l++) {
      String p = "h." + l + ".";
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
      x = x.add(F.cat(heads, 1).matmul(sd.get(p + "attn.c_proj.weight")).add(sd.get(p + "attn.c_proj.bias")));
      Tensor m = layerNorm(x, sd.get(p + "ln_2.weight"), sd.get(p + "ln_2.bias"), c.eps());
      Tensor inter = geluNew(m.matmul(sd.get(p + "mlp.c_fc.weight")).add(sd.get(p + "mlp.c_fc.bias")));
      x = x.add(inter.matmul(sd.get(p + "mlp.c_proj.weight")).add(sd.get(p + "mlp.c_proj.bias")));
    }
    x = layerNorm(x, sd.get("ln_f.weight"), sd.get("ln_f.bias"), c.eps());
    return new Tensor[] {x, x.matmul(sd.get("wte.weight").transpose(0, 1))};
  }

  /** Relative error per element, against at least a tenth of the largest magnitude (fp32 accumulation noise). */
  static void assertClose(float[] expected, float[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    for (float v : expected) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < expected.length; i++) {
      double e = Math.abs(expected[i] - actual[i]);
      assertTrue(e <= rel * Math.max(Math.abs(expected[i]), scale * 0.1), what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  void logitsAndHiddenStatesEqualTheIndependentComposition() throws Exception {
    Path outFile = dir.resolve("out.safetensors");
    assertEquals(0, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString(), "--batch-size", "2"),
        err.toString());
    List<Integer> tooLong = new ArrayList<>();
    for (int i = 0; i < LINES.size(); i++) if (tokenizer.encode(LINES.get(i)).length() > POSITIONS) tooLong.add(i + 1);
    assertEquals(List.of(3, 5), tooLong, "lines 3 and 5 are longer than the model's positions");
    assertTrue(err.toString().contains("warning: 2 lines of " + input + " longer than 24 tokens, truncated to 24: lines 3, 5"), err.toString());
    assertTrue(out.toString().contains("Wrote " + outFile), out.toString());

    Map<String, Tensor> got = Safetensors.load(outFile, Device.CPU);
    assertEquals(List.of("attention_mask", "input_ids", "last_hidden_state", "logits"), got.keySet().stream().sorted().toList());
    int n = LINES.size();
    int v = config.vocabSize();
    assertArrayEquals(new int[] {n, POSITIONS}, got.get("input_ids").shape());
    assertEquals(DType.I64, got.get("input_ids").dtype());
    assertEquals(DType.I64, got.get("attention_mask").dtype());
    assertArrayEquals(new int[] {n, POSITIONS, 16}, got.get("last_hidden_state").shape());
    assertArrayEquals(new int[] {n, POSITIONS, v}, got.get("logits").shape());
    assertEquals(DType.F32, got.get("logits").dtype());
    long[] ids = got.get("input_ids").toLongArray();
    long[] mask = got.get("attention_mask").toLongArray();
    float[] hidden = got.get("last_hidden_state").toFloatArray();
    float[] logits = got.get("logits").toFloatArray();

    Map<String, Tensor> weights = new java.util.HashMap<>();
    Safetensors.load(folder.resolve("model.safetensors"), Device.CPU).forEach((k, t) -> weights.put(k.replaceFirst("^transformer\\.", ""), t));
    try (var g = GradMode.noGrad()) {
      for (int i = 0; i < n; i++) {
        int[] full = tokenizer.encode(LINES.get(i)).ids();
        long[] line = Arrays.stream(Arrays.copyOf(full, Math.min(full.length, POSITIONS))).asLongStream().toArray();
        int len = line.length;
        assertArrayEquals(line, Arrays.copyOfRange(ids, i * POSITIONS, i * POSITIONS + len), "input_ids of line " + (i + 1));
        for (int p = 0; p < POSITIONS; p++) assertEquals(p < len ? 1 : 0, mask[i * POSITIONS + p], "attention_mask of line " + (i + 1) + " at " + p);
        Tensor[] ref = reference(weights, config, line);
        assertClose(ref[1].toFloatArray(), Arrays.copyOfRange(logits, i * POSITIONS * v, (i * POSITIONS + len) * v), 1e-5, "logits of line " + (i + 1));
        assertClose(ref[0].toFloatArray(), Arrays.copyOfRange(hidden, i * POSITIONS * 16, (i * POSITIONS + len) * 16), 1e-5, "hidden of line " + (i + 1));
        for (int k = (i * POSITIONS + len) * v; k < (i + 1) * POSITIONS * v; k++) assertEquals(0f, logits[k], "padding logits of line " + (i + 1));
      }
    }
  }

  @Test
  void maxLengthNoLogitsAndFailOnTruncation() throws Exception {
    Path outFile = dir.resolve("out.safetensors");
    assertEquals(0, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString(), "--max-length", "8",
        "--no-logits"), err.toString());
    Map<String, Tensor> got = Safetensors.load(outFile, Device.CPU);
    assertFalse(got.containsKey("logits"));
    assertArrayEquals(new int[] {LINES.size(), 8, 16}, got.get("last_hidden_state").shape());
    List<Integer> over8 = new ArrayList<>();
    for (int i = 0; i < LINES.size(); i++) if (tokenizer.encode(LINES.get(i)).length() > 8) over8.add(i + 1);
    assertTrue(err.toString().contains("truncated to 8: line" + (over8.size() == 1 ? " " : "s ") + over8.toString().replaceAll("[\\[\\]]", "")), err.toString());

    Files.delete(outFile);
    assertEquals(1, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString(), "--fail-on-truncation"));
    int tokens3 = tokenizer.encode(LINES.get(2)).length();
    assertTrue(err.toString().contains(input + ": line 3 has " + tokens3 + " tokens, more than the 24 allowed (2 lines are too long: 3, 5)"), err.toString());
    assertFalse(Files.exists(outFile), "nothing is written when a line is refused");
  }

  @Test
  void clearErrors() throws Exception {
    Path outFile = dir.resolve("out.safetensors");
    assertEquals(1, run("forward", "--model", dir.resolve("missing").toString(), "--input", input.toString(), "--output", outFile.toString()));
    assertTrue(err.toString().contains("cannot load the model folder") && err.toString().contains("missing"), err.toString());
    assertEquals(1, run("forward", "--model", folder.toString(), "--input", dir.resolve("none.txt").toString(), "--output", outFile.toString()));
    assertTrue(err.toString().contains("input file not found") && err.toString().contains("none.txt"), err.toString());
    assertEquals(1, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString(), "--max-length", "100"));
    assertTrue(err.toString().contains("--max-length 100 exceeds the model's 24 positions"), err.toString());
    assertEquals(2, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString(), "--batch-size", "0"));
    assertTrue(err.toString().contains("--batch-size must be positive"), err.toString());
    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    assertEquals(1, run("forward", "--model", folder.toString(), "--input", bad.toString(), "--output", outFile.toString()));
    assertTrue(err.toString().contains(bad + ": line 2 is not valid UTF-8"), err.toString());
    Files.writeString(folder.resolve("tokenizer.json"), "{\"model\": ");
    assertEquals(1, run("forward", "--model", folder.toString(), "--input", input.toString(), "--output", outFile.toString()));
    assertTrue(err.toString().contains(folder.resolve("tokenizer.json") + ": not valid JSON"), err.toString());
    assertFalse(Files.exists(outFile));
  }

  @Test
  void readsLinesWithAnyLineBreak() throws Exception {
    Path f = dir.resolve("breaks.txt");
    Files.writeString(f, "a\r\nb\rc\n\ncafé", StandardCharsets.UTF_8);
    assertEquals(List.of("a", "b", "c", "", "café"), ForwardCommand.readLines(f));
    Files.writeString(f, "one\n", StandardCharsets.UTF_8);
    assertEquals(List.of("one"), ForwardCommand.readLines(f));
    Files.writeString(f, "", StandardCharsets.UTF_8);
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ForwardCommand.readLines(f)).getMessage().contains("no lines"));
  }
}
