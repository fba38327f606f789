package jdistill.models.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.bert.Bert;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.hf.CheckpointWriter;
import jdistill.models.onnx.OnnxBertImporter;
import jdistill.models.onnx.OnnxImport;
import jdistill.models.run.BatchForward;
import jdistill.models.run.ModelFolder;
import jdistill.models.tokenizer.Encoding;
import jdistill.models.tokenizer.Padding;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.TapRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 (the ONNX export shipped in langchain4j's jar) run two ways on the same
 * 59 English sentences (3 to 121 tokens; their ids checked against HF tokenizers through DJL): imported with {@link OnnxImport} into an HF folder, loaded with {@link
 * HfCheckpoint} as our {@link Bert} and tokenized with our {@link Tokenizer}; and the ONNX file
 * itself run by ONNX Runtime. The export has outputs {@code output_0} (last hidden state [B, S,
 * 384]) and {@code 882} (the pooler's tanh(dense([CLS])) [B, 384]); both must agree within 1e-4
 * absolute in fp32, compared on non-padding positions of batches of 8 padded to their longest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllMiniLmOrtParityTest {

  static final String MODEL = "/all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
  static final String SENTENCES = "/jdistill/models/parity/sentences.txt";
  static final double TOLERANCE = 1e-4;
  static final int BATCH = 8;

  @TempDir static Path dir;

  Path hf;

  OrtEnvironment env;
  OrtSession session;
  Bert bert;
  Tokenizer tokenizer;
  List<String> sentences;

  static byte[] resource(String name) throws IOException {
    try (InputStream in = AllMiniLmOrtParityTest.class.getResourceAsStream(name)) {
      assertNotNull(in, "test resource " + name);
      return in.readAllBytes();
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    Path onnx = dir.resolve("model.onnx");
    Files.write(onnx, resource(MODEL));
    Path tok = dir.resolve("tokenizer.json");
    Files.write(tok, resource(TOKENIZER));
    hf = dir.resolve("hf");
    OnnxImport.toHfFolder(onnx, hf, tok, OnnxBertImporter.Options.detect(), CheckpointWriter.safetensors());
    HfCheckpoint.Loaded loaded = HfCheckpoint.load(hf);
    bert = assertInstanceOf(Bert.class, loaded.model(), "all-MiniLM-L6-v2 loads as a plain BertModel");
    bert.eval();
    // the file pads every text to 128 (Fixed); pad each batch to its longest instead
    tokenizer = Tokenizer.load(hf.resolve("tokenizer.json")).withPadding(Padding.batchLongest(0, "[PAD]"));
    sentences = List.of(new String(resource(SENTENCES), StandardCharsets.UTF_8).split("\n"));
    env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(2);
    session = env.createSession(onnx.toString(), options);
  }

  @AfterAll
  void tearDown() throws OrtException {
    if (session != null) session.close();
  }

  /** ONNX Runtime's outputs for one batch: last hidden state [B][S][H] and pooled [B][H]. */
  record OrtOut(float[][][] hidden, float[][] pooled) {}

  OrtOut runOrt(long[][] ids, long[][] mask, long[][] types) throws OrtException {
    try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
         OnnxTensor m = OnnxTensor.createTensor(env, mask);
         OnnxTensor t = OnnxTensor.createTensor(env, types);
         OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
      float[][][] hidden = (float[][][]) r.get("output_0").orElseThrow().getValue();
      float[][] pooled = (float[][]) r.get("882").orElseThrow().getValue();
      return new OrtOut(hidden, pooled);
    }
  }

  static long[][] rows(List<Encoding> batch, java.util.function.Function<Encoding, int[]> part) {
    long[][] out = new long[batch.size()][];
    for (int i = 0; i < out.length; i++) {
      int[] p = part.apply(batch.get(i));
      out[i] = new long[p.length];
      for (int j = 0; j < p.length; j++) out[i][j] = p[j];
    }
    return out;
  }

  static Tensor tensor(long[][] rows) {
    int s = rows[0].length;
    long[] flat = new long[rows.length * s];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * s, s);
    return Tensor.ofLongs(flat, rows.length, s);
  }

  @Test
  void inputsAndOutputsOfTheExport() throws OrtException {
    assertEquals(java.util.Set.of("input_ids", "attention_mask", "token_type_ids"), session.getInputInfo().keySet());
    assertEquals(java.util.Set.of("output_0", "882"), session.getOutputInfo().keySet());
    assertEquals("[-1, -1, 384]", java.util.Arrays.toString(((ai.onnxruntime.TensorInfo) session.getOutputInfo().get("output_0").getInfo()).getShape()));
    assertEquals("[-1, 384]", java.util.Arrays.toString(((ai.onnxruntime.TensorInfo) session.getOutputInfo().get("882").getInfo()).getShape()));
  }

  /** The token ids fed to both runtimes are Hugging Face's own (tokenizers in Rust, through DJL). */
  @Test
  void tokenIdsAreHuggingFaces() throws IOException {
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve("tokenizer.json"))
        .optTruncation(false).optPadding(false).build()) {
      for (String text : sentences) {
        long[] expected = hf.encode(text).getIds();
        int[] got = tokenizer.withPadding(null).encode(text).ids();
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(got), text);
      }
    }
  }

  @Test
  void lastHiddenStateAndPoolerMatchOnnxRuntime() throws OrtException {
    assertTrue(sentences.size() >= 50, "at least 50 sentences, got " + sentences.size());
    int shortest = Integer.MAX_VALUE;
    int longest = 0;
    double maxHidden = 0;
    double maxPooled = 0;
    long compared = 0;
    int paddedRows = 0;
    String worst = "";
    double oursSeconds = 0;
    double ortSeconds = 0;
    try (var g = GradMode.noGrad()) {
      for (int from = 0; from < sentences.size(); from += BATCH) {
        List<String> texts = sentences.subList(from, Math.min(sentences.size(), from + BATCH));
        List<Encoding> batch = tokenizer.encodeBatch(texts, true);
        long[][] ids = rows(batch, Encoding::ids);
        long[][] mask = rows(batch, Encoding::attentionMask);
        long[][] types = rows(batch, Encoding::typeIds);
        int b = ids.length;
        int s = ids[0].length;
        int h = bert.config().hidden();
        long t0 = System.nanoTime();
        Tensor hidden = bert.forward(tensor(ids), tensor(mask), tensor(types), TapRecorder.none());
        float[] ours = hidden.toFloatArray();
        float[] oursPooled = bert.pool(hidden).toFloatArray();
        long t1 = System.nanoTime();
        OrtOut ref = runOrt(ids, mask, types);
        oursSeconds += (t1 - t0) / 1e9;
        ortSeconds += (System.nanoTime() - t1) / 1e9;
        assertEquals(s, ref.hidden()[0].length);
        for (int r = 0; r < b; r++) {
          int len = 0;
          for (long m : mask[r]) len += (int) m;
          assertEquals(102, ids[r][len - 1], "row should end with [SEP] before its padding: " + texts.get(r));
          assertEquals(101, ids[r][0], "row should start with [CLS]: " + texts.get(r));
          if (len < s) paddedRows++;
          shortest = Math.min(shortest, len);
          longest = Math.max(longest, len);
          for (int p = 0; p < len; p++) {
            for (int k = 0; k < h; k++) {
              double err = Math.abs(ours[(r * s + p) * h + k] - ref.hidden()[r][p][k]);
              if (err > maxHidden) {
                maxHidden = err;
                worst = "sentence " + (from + r + 1) + " position " + p + " dim " + k;
              }
              compared++;
            }
          }
          for (int k = 0; k < h; k++) maxPooled = Math.max(maxPooled, Math.abs(oursPooled[r * h + k] - ref.pooled()[r][k]));
        }
      }
    }
    System.out.printf(Locale.ROOT, "all-MiniLM-L6-v2 vs ONNX Runtime: %d sentences (%d to %d tokens, %d rows padded), %d values: "
        + "max |last_hidden_state diff| = %.3g (at %s), max |pooler diff| = %.3g; forward %.2f s here, %.2f s in ONNX Runtime%n",
        sentences.size(), shortest, longest, paddedRows, compared, maxHidden, worst, maxPooled, oursSeconds, ortSeconds);
    assertTrue(shortest <= 4 && longest >= 110 && longest <= 128, "token lengths should span about 3 to 120, got " + shortest + " to " + longest);
    assertTrue(paddedRows >= 40, "most rows should carry padding, got " + paddedRows);
    assertTrue(maxHidden <= TOLERANCE, "max |last_hidden_state diff| " + maxHidden + " at " + worst + " exceeds " + TOLERANCE);
    assertTrue(maxPooled <= TOLERANCE, "max |pooler diff| " + maxPooled + " exceeds " + TOLERANCE);
  }

  /**
   * The same folder through {@link ModelFolder} and {@link BatchForward} (length-sorted batches of
   * 3, zeros at padding) against ONNX Runtime run on each sentence alone, without padding.
   */
  @Test
  void modelFolderAndBatchForwardMatchOnnxRuntime() throws Exception {
    ModelFolder folder = ModelFolder.load(hf);
    assertEquals(0, folder.padId(), "[PAD], from the tokenizer's own padding");
    List<String> some = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i += 6) some.add(sentences.get(i));
    BatchForward.Result r = BatchForward.run(folder, some, new BatchForward.Options(null, 3, true, true));
    int h = r.hidden();
    double max = 0;
    for (int i = 0; i < some.size(); i++) {
      int len = 0;
      for (int p = 0; p < r.width(); p++) len += (int) r.attentionMask()[i * r.width() + p];
      long[][] ids = {java.util.Arrays.copyOfRange(r.inputIds(), i * r.width(), i * r.width() + len)};
      OrtOut ref = runOrt(ids, new long[][] {filled(len, 1)}, new long[][] {filled(len, 0)});
      for (int p = 0; p < r.width(); p++) {
        for (int k = 0; k < h; k++) {
          float got = r.lastHidden()[(i * r.width() + p) * h + k];
          if (p >= len) assertEquals(0f, got, "padding of sentence " + (i + 1));
          else max = Math.max(max, Math.abs(got - ref.hidden()[0][p][k]));
        }
      }
      for (int k = 0; k < h; k++) max = Math.max(max, Math.abs(r.pooled()[i * h + k] - ref.pooled()[0][k]));
    }
    System.out.printf(Locale.ROOT, "ModelFolder + BatchForward vs ONNX Runtime on %d sentences: max |diff| = %.3g%n", some.size(), max);
    assertTrue(max <= TOLERANCE, "max |diff| " + max + " exceeds " + TOLERANCE);
  }

  static long[] filled(int n, long value) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
