package jdistill.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.models.hf.BertConfig;
import jdistill.models.onnx.proto.OnnxProto.ModelProto;
import jdistill.models.onnx.proto.OnnxProto.StringStringEntryProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer on small synthetic exports in each variant exporters produce, and its errors. */
class OnnxBertImporterTest {

  @TempDir Path dir;

  static OnnxModel model(ModelProto proto) {
    return OnnxModel.parse(ByteBuffer.wrap(proto.toByteArray()), "tiny.onnx");
  }

  static OnnxBertImporter.Result run(TinyBertOnnx b, Integer heads) {
    return OnnxBertImporter.importBert(model(b.build()), new OnnxBertImporter.Options(heads));
  }

  /** Every imported tensor equals the PyTorch parameter the builder stored, under the Hugging Face name. */
  static void assertMatchesTorch(TinyBertOnnx b, OnnxBertImporter.Result r, String outPrefix) {
    Map<String, Tensor> s = r.stateDict();
    assertEquals(b.torch.size(), s.size(), "tensor count: " + s.keySet());
    for (var e : b.torch.entrySet()) {
      String name = e.getKey().startsWith("classifier.") ? e.getKey() : outPrefix + e.getKey();
      Tensor t = s.get(name);
      assertTrue(t != null, "missing " + name + " in " + s.keySet());
      assertArrayEquals(b.torchShapes.get(e.getKey()), t.shape(), name);
      float[] want = e.getValue();
      if (b.storage == TinyBertOnnx.Storage.FLOAT16_INT32_DATA) {
        want = want.clone();
        for (int i = 0; i < want.length; i++) want[i] = Float.float16ToFloat(Float.floatToFloat16(want[i]));
      }
      assertArrayEquals(want, t.toFloatArray(), name);
    }
  }

  static void assertSizes(BertConfig c, TinyBertOnnx b) {
    assertEquals(b.vocab, c.vocabSize());
    assertEquals(b.hidden, c.hiddenSize());
    assertEquals(b.layers, c.numHiddenLayers());
    assertEquals(b.heads, c.numAttentionHeads());
    assertEquals(b.inter, c.intermediateSize());
    assertEquals(b.positions, c.maxPositionEmbeddings());
    assertEquals(b.types, c.typeVocabSize());
  }

  @Test
  void foldedWeightsBiasFirstConstantShapes() {
    TinyBertOnnx b = new TinyBertOnnx();
    var r = run(b, null);
    assertSizes(r.config(), b);
    assertEquals("gelu", r.config().hiddenAct());
    assertEquals(1e-12, r.config().layerNormEps());
    assertEquals(List.of("BertModel"), r.config().architectures());
    assertMatchesTorch(b, r, "");
    assertEquals(List.copyOf(OnnxBertImporter.expectedShapes(r.config(), true).keySet()), List.copyOf(r.stateDict().keySet()));
  }

  @Test
  void transposeNodesBiasSecondConcatShapesTanhGeluFusedLayerNorm() {
    TinyBertOnnx b = new TinyBertOnnx();
    b.transposeNodes = true;
    b.biasFirst = false;
    b.headsEvidence = TinyBertOnnx.Heads.CONCAT;
    b.activation = "tanh";
    b.fusedLayerNorm = true;
    b.eps = 1e-5f;
    b.heads = 4;
    b.layers = 3;
    var r = run(b, null);
    assertSizes(r.config(), b);
    assertEquals("gelu_new", r.config().hiddenAct());
    assertEquals(1e-5, r.config().layerNormEps());
    assertMatchesTorch(b, r, "");
  }

  @Test
  void bertPrefixAndClassifierHead() {
    TinyBertOnnx b = new TinyBertOnnx();
    b.prefix = "bert.";
    b.classifier = true;
    b.activation = "relu";
    var r = run(b, null);
    assertEquals(List.of("BertForSequenceClassification"), r.config().architectures());
    assertEquals(3, r.config().numLabels());
    assertEquals("relu", r.config().hiddenAct());
    assertMatchesTorch(b, r, "bert.");
    assertTrue(r.stateDict().containsKey("bert.embeddings.word_embeddings.weight"));
    assertTrue(r.stateDict().containsKey("classifier.weight"));
  }

  @Test
  void bertPrefixWithoutHeadGivesBareNames() {
    TinyBertOnnx b = new TinyBertOnnx();
    b.prefix = "bert.";
    b.pooler = false;
    var r = run(b, null);
    assertMatchesTorch(b, r, "");
    assertTrue(r.stateDict().keySet().stream().noneMatch(n -> n.startsWith("pooler.")));
  }

  @Test
  void typedFieldStorage() {
    TinyBertOnnx f32 = new TinyBertOnnx();
    f32.storage = TinyBertOnnx.Storage.FLOAT_DATA;
    assertMatchesTorch(f32, run(f32, null), "");
    TinyBertOnnx f16 = new TinyBertOnnx();
    f16.storage = TinyBertOnnx.Storage.FLOAT16_INT32_DATA;
    var r = run(f16, null);
    assertEquals("float16", r.config().torchDtype());
    r.stateDict().values().forEach(t -> assertEquals(DType.F16, t.dtype()));
    assertMatchesTorch(f16, r, "");
  }

  @Test
  void headsFromScoreScalingWhenShapesAreDynamic() {
    TinyBertOnnx b = new TinyBertOnnx();
    b.headsEvidence = TinyBertOnnx.Heads.SCALE_ONLY;
    b.heads = 4;
    var r = run(b, null);
    assertEquals(4, r.config().numAttentionHeads());
    assertTrue(r.notes().get(0).contains("1/sqrt(2)"), r.notes().toString());
  }

  @Test
  void headsMustBeGivenWhenTheGraphDoesNotSay() {
    TinyBertOnnx b = new TinyBertOnnx();
    b.headsEvidence = TinyBertOnnx.Heads.NONE;
    var e = assertThrows(OnnxFormatException.class, () -> run(b, null));
    assertTrue(e.getMessage().startsWith("tiny.onnx: cannot find the number of attention heads"), e.getMessage());
    assertTrue(e.getMessage().contains("--heads"), e.getMessage());
    assertEquals(2, run(b, 2).config().numAttentionHeads());
    var bad = assertThrows(OnnxFormatException.class, () -> run(b, 3));
    assertTrue(bad.getMessage().contains("3 attention heads do not divide the hidden size 8"), bad.getMessage());
  }

  @Test
  void givenHeadsWinOverTheGraphWithANote() {
    TinyBertOnnx b = new TinyBertOnnx();
    var r = run(b, 4);
    assertEquals(4, r.config().numAttentionHeads());
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("graph suggests 2")), r.notes().toString());
  }

  @Test
  void unmatchedMatMulWeightIsNamed() {
    ModelProto p = new TinyBertOnnx().build();
    // Rename one bias so that its MatMul's product is no longer added to a named ".bias".
    ModelProto.Builder m = p.toBuilder();
    var g = m.getGraphBuilder();
    String bias = "encoder.layer.1.intermediate.dense.bias";
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(bias)) g.setInitializer(i, g.getInitializer(i).toBuilder().setName("onnx::Add_77"));
    }
    String weight = null;
    for (int i = 0; i < g.getNodeCount(); i++) {
      var n = g.getNode(i);
      if (n.getOpType().equals("Add") && n.getInput(0).equals(bias)) {
        g.setNode(i, n.toBuilder().setInput(0, "onnx::Add_77"));
        String product = n.getInput(1);
        for (var mm : g.getNodeList()) if (mm.getOutputList().contains(product)) weight = mm.getInput(1);
      }
    }
    String w = weight;
    var e = assertThrows(OnnxFormatException.class, () -> OnnxBertImporter.importBert(model(m.build()), OnnxBertImporter.Options.detect()));
    assertTrue(e.getMessage().startsWith("tiny.onnx: cannot tell which Linear layer the weight \"" + w + "\" [8, 16]"), e.getMessage());
    assertTrue(e.getMessage().contains("named \".bias\""), e.getMessage());
  }

  @Test
  void missingTensorIsListed() {
    ModelProto.Builder m = new TinyBertOnnx().build().toBuilder();
    var g = m.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("encoder.layer.1.output.LayerNorm.bias")) {
        g.removeInitializer(i);
        break;
      }
    }
    var e = assertThrows(OnnxFormatException.class, () -> OnnxBertImporter.importBert(model(m.build()), OnnxBertImporter.Options.detect()));
    assertTrue(e.getMessage().startsWith("tiny.onnx: not a complete BERT (2 layers, hidden 8): missing encoder.layer.1.output.LayerNorm.bias"),
        e.getMessage());
  }

  @Test
  void externalDataIsRefused() {
    ModelProto.Builder m = new TinyBertOnnx().build().toBuilder();
    var g = m.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getName().equals("embeddings.word_embeddings.weight")) {
        g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx_data")));
      }
    }
    var e = assertThrows(OnnxFormatException.class, () -> OnnxBertImporter.importBert(model(m.build()), OnnxBertImporter.Options.detect()));
    assertTrue(e.getMessage().startsWith("tiny.onnx: tensor \"embeddings.word_embeddings.weight\" keeps its data in an external file (\"model.onnx_data\")"),
        e.getMessage());
    assertTrue(e.getMessage().contains("save_as_external_data=False"), e.getMessage());
  }

  @Test
  void notBert() {
    ModelProto.Builder m = new TinyBertOnnx().build().toBuilder();
    var g = m.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getName().equals("embeddings.word_embeddings.weight")) g.setInitializer(i, t.toBuilder().setName("wte.weight"));
    }
    var e = assertThrows(OnnxFormatException.class, () -> OnnxBertImporter.importBert(model(m.build()), OnnxBertImporter.Options.detect()));
    assertTrue(e.getMessage().startsWith("tiny.onnx: no BERT-shaped initializers: expected a tensor named embeddings.word_embeddings.weight"), e.getMessage());
  }

  @Test
  void notOnnx() throws IOException {
    Path json = dir.resolve("tokenizer.json");
    Files.writeString(json, "{\"version\": \"1.0\", \"model\": {\"type\": \"WordPiece\"}}");
    var e = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(json));
    assertTrue(e.getMessage().startsWith(json + ": not an ONNX model"), e.getMessage());
    Path empty = dir.resolve("empty.onnx");
    Files.write(empty, new byte[0]);
    var e2 = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(empty));
    assertTrue(e2.getMessage().startsWith(empty + ": not an ONNX model"), e2.getMessage());
    var e3 = assertThrows(OnnxFormatException.class, () -> OnnxModel.load(dir.resolve("nope.onnx")));
    assertTrue(e3.getMessage().endsWith("nope.onnx: file not found"), e3.getMessage());
    var e4 = assertThrows(OnnxFormatException.class,
        () -> OnnxModel.parse(ByteBuffer.wrap("garbage that is not protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1)), "x.onnx"));
    assertTrue(e4.getMessage().startsWith("x.onnx: not an ONNX model"), e4.getMessage());
  }

  @Test
  void quantizedTensorsAreRefused() {
    TensorProto t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.UINT8_VALUE).addDims(2)
        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2})).build();
    var e = assertThrows(OnnxFormatException.class, () -> OnnxTensors.toTensor(t, "q.onnx"));
    assertTrue(e.getMessage().startsWith("q.onnx: tensor \"w\" has element type UINT8"), e.getMessage());
  }

  @Test
  void rawDataOfTheWrongSizeIsNamed() {
    TensorProto t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(3)
        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[8])).build();
    var e = assertThrows(OnnxFormatException.class, () -> OnnxTensors.toTensor(t, "q.onnx"));
    assertTrue(e.getMessage().contains("needs 12 bytes of raw_data, has 8"), e.getMessage());
  }

  @Test
  void writesFolderWithTokenizer() throws IOException {
    TinyBertOnnx b = new TinyBertOnnx();
    Path onnx = dir.resolve("tiny.onnx");
    Files.write(onnx, b.build().toByteArray());
    Path tok = dir.resolve("tok.json");
    Files.writeString(tok, "{\"model\": {}}");
    var report = OnnxImport.toHfFolder(onnx, dir.resolve("out"), tok, OnnxBertImporter.Options.detect(), jdistill.models.hf.TestSafetensors.WRITER);
    assertEquals("{\"model\": {}}", Files.readString(dir.resolve("out/tokenizer.json")));
    assertTrue(Files.exists(dir.resolve("out/config.json")));
    var st = jdistill.models.hf.TestSafetensors.read(dir.resolve("out/model.safetensors"));
    assertEquals(report.tensors(), st.size());
    assertArrayEquals(b.torch.get("encoder.layer.1.output.dense.weight"), st.get("encoder.layer.1.output.dense.weight").floats());
    var missing = assertThrows(OnnxFormatException.class,
        () -> OnnxImport.toHfFolder(onnx, dir.resolve("out2"), dir.resolve("none.json"), OnnxBertImporter.Options.detect(), jdistill.models.hf.TestSafetensors.WRITER));
    assertTrue(missing.getMessage().contains("none.json: tokenizer file not found"), missing.getMessage());
  }
}
