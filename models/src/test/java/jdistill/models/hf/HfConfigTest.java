package jdistill.models.hf;

import jdistill.models.transformer.Activation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {

  @TempDir Path dir;

  static String resource(String name) throws IOException {
    try (InputStream in = HfConfigTest.class.getResourceAsStream(name)) {
      if (in == null) throw new IOException("missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** Every key of {@code original} is in {@code written} with an equal value. */
  static void assertKeeps(ObjectNode original, ObjectNode written) {
    for (Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertEquals(e.getValue(), written.get(e.getKey()), "key " + e.getKey());
    }
  }

  @Test
  void readsGpt2Small() throws IOException {
    Path p = file("config.json", resource("gpt2-config.json"));
    Gpt2Config c = assertInstanceOf(Gpt2Config.class, HfConfig.read(p));
    assertEquals(12, c.nLayer());
    assertEquals(768, c.nEmbd());
    assertEquals(12, c.nHead());
    assertEquals(64, c.headDim());
    assertNull(c.nInner());
    assertEquals(3072, c.innerSize());
    assertEquals(50257, c.vocabSize());
    assertEquals(1024, c.nPositions());
    assertEquals(1e-5, c.layerNormEpsilon());
    assertEquals(Activation.GELU_TANH, c.activation());
    assertEquals(0.1, c.residPdrop());
    assertTrue(c.tieWordEmbeddings());
    assertEquals(List.of("GPT2LMHeadModel"), c.architectures());
    assertEquals(50256, c.eosTokenId());
    assertEquals(1024, c.extra().get("n_ctx"));
    assertTrue(c.extra().containsKey("task_specific_params"));
    assertTrue(c.extra().containsKey("summary_activation"));
  }

  @Test
  void gpt2WritesBackEveryKeyItRead() throws IOException {
    String text = resource("gpt2-config.json");
    Gpt2Config c = (Gpt2Config) HfConfig.read(file("config.json", text));
    Path out = dir.resolve("out.json");
    c.write(out);
    ObjectNode written = HfJson.readObject(out);
    assertKeeps(HfJson.parseObject(text, "gpt2"), written);
    assertTrue(written.get("n_inner").isNull());
    assertEquals("gpt2", written.get("model_type").textValue());
    assertTrue(written.get("tie_word_embeddings").booleanValue());
    assertTrue(written.has("transformers_version"));
    assertTrue(Files.readString(out).contains("\"layer_norm_epsilon\": 1e-05,"), "floats written as Python writes them");
    assertEquals(c.toJson(), HfConfig.read(out).toJson(), "reading what was written changes nothing");
  }

  @Test
  void gpt2DefaultsFillMissingKeysAndNInnerIsKept() throws IOException {
    Gpt2Config c = (Gpt2Config) HfConfig.read(file("c.json", "{\"model_type\": \"gpt2\", \"n_layer\": 2, \"n_embd\": 64, \"n_head\": 4, \"n_inner\": 100}"));
    assertEquals(100, c.innerSize());
    assertEquals(50257, c.vocabSize());
    assertEquals("gelu_new", c.activationFunction());
    assertTrue(c.tieWordEmbeddings());
    Gpt2Config untied = (Gpt2Config) HfConfig.read(file("d.json", "{\"model_type\": \"gpt2\", \"tie_word_embeddings\": false, \"activation_function\": \"relu\"}"));
    assertEquals(false, untied.tieWordEmbeddings());
    assertEquals(Activation.RELU, untied.activation());
  }

  @Test
  void readsBertBase() throws IOException {
    BertConfig c = assertInstanceOf(BertConfig.class, HfConfig.read(file("config.json", resource("bert-base-uncased-config.json"))));
    assertEquals(30522, c.vocabSize());
    assertEquals(768, c.hiddenSize());
    assertEquals(12, c.numHiddenLayers());
    assertEquals(12, c.numAttentionHeads());
    assertEquals(3072, c.intermediateSize());
    assertEquals(Activation.GELU_ERF, c.activation());
    assertEquals(512, c.maxPositionEmbeddings());
    assertEquals(2, c.typeVocabSize());
    assertEquals(1e-12, c.layerNormEps());
    assertEquals(0, c.padTokenId());
    assertEquals(List.of("BertForMaskedLM"), c.architectures());
    assertEquals(2, c.numLabels());
    assertTrue(c.id2label().isEmpty());
    assertEquals(false, c.extra().get("gradient_checkpointing"));
    assertEquals("4.6.0.dev0", c.transformersVersion());
  }

  @Test
  void readsAllMiniLmAndWritesItBack() throws IOException {
    String text = resource("all-MiniLM-L6-v2-config.json");
    BertConfig c = (BertConfig) HfConfig.read(file("config.json", text));
    assertEquals(384, c.hiddenSize());
    assertEquals(6, c.numHiddenLayers());
    assertEquals(32, c.headDim());
    assertEquals(1536, c.intermediateSize());
    assertEquals("nreimers/MiniLM-L6-H384-uncased", c.extra().get("_name_or_path"));
    Path out = dir.resolve("out.json");
    c.write(out);
    ObjectNode written = HfJson.readObject(out);
    assertKeeps(HfJson.parseObject(text, "minilm"), written);
    assertEquals(c, HfConfig.read(out));
  }

  @Test
  void classifierConfigRoundTripsByteForByte() throws IOException {
    String text = resource("bert-sst2-config.json");
    BertConfig c = (BertConfig) HfConfig.read(file("config.json", text));
    assertEquals(List.of("negative", "positive"), c.id2label());
    assertEquals(2, c.numLabels());
    assertEquals("single_label_classification", c.problemType());
    assertEquals("float32", c.torchDtype());
    assertNull(c.classifierDropout());
    Path out = dir.resolve("out.json");
    c.write(out);
    assertEquals(text, Files.readString(out));
  }

  @Test
  void numLabelsWithoutId2labelMakesDefaultLabels() throws IOException {
    BertConfig c = (BertConfig) HfConfig.read(file("c.json", "{\"model_type\": \"bert\", \"num_labels\": 3}"));
    assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), c.id2label());
    String json = HfJson.toPythonJson(c.toJson());
    assertTrue(json.contains("\"LABEL_2\": 2"), json);
    var e = assertThrows(HfFormatException.class,
        () -> HfConfig.read(file("d.json", "{\"model_type\": \"bert\", \"num_labels\": 3, \"id2label\": {\"0\": \"a\", \"1\": \"b\"}}")));
    assertTrue(e.getMessage().contains("num_labels"), e.getMessage());
  }

  @Test
  void explicitNullTokenIdsStayNull() throws IOException {
    BertConfig c = (BertConfig) HfConfig.read(file("c.json", "{\"model_type\": \"bert\", \"pad_token_id\": null}"));
    assertNull(c.padTokenId());
    assertTrue(c.toJson().get("pad_token_id").isNull());
    assertEquals(0, ((BertConfig) HfConfig.read(file("d.json", "{\"model_type\": \"bert\"}"))).padTokenId());
    Gpt2Config g = (Gpt2Config) HfConfig.read(file("g.json", "{\"model_type\": \"gpt2\", \"bos_token_id\": null}"));
    assertNull(g.bosTokenId());
    assertEquals(50256, g.eosTokenId());
  }

  @Test
  void unknownModelTypeNamesFileFieldAndSupported() throws IOException {
    Path p = file("config.json", "{\"model_type\": \"llama\", \"hidden_size\": 4096}");
    var e = assertThrows(HfFormatException.class, () -> HfConfig.read(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("model_type"), e.getMessage());
    assertTrue(e.getMessage().contains("llama"), e.getMessage());
    assertTrue(e.getMessage().contains("[gpt2, bert]"), e.getMessage());
    var missing = assertThrows(HfFormatException.class, () -> HfConfig.read(file("m.json", "{\"hidden_size\": 4}")));
    assertTrue(missing.getMessage().contains("\"model_type\" is missing"), missing.getMessage());
  }

  @Test
  void unsupportedBertOptions() throws IOException {
    Path p = file("config.json", "{\"model_type\": \"bert\", \"position_embedding_type\": \"relative_key\"}");
    var e = assertThrows(HfFormatException.class, () -> HfConfig.read(p));
    assertTrue(e.getMessage().startsWith(p + ": field \"position_embedding_type\""), e.getMessage());
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    var dec = assertThrows(HfFormatException.class, () -> HfConfig.read(file("d.json", "{\"model_type\": \"bert\", \"is_decoder\": true}")));
    assertTrue(dec.getMessage().contains("is_decoder"), dec.getMessage());
    var act = assertThrows(HfFormatException.class, () -> HfConfig.read(file("a.json", "{\"model_type\": \"bert\", \"hidden_act\": \"mish\"}")));
    assertTrue(act.getMessage().contains("hidden_act") && act.getMessage().contains("mish") && act.getMessage().contains("gelu_new"), act.getMessage());
  }

  @Test
  void unsupportedGpt2Options() throws IOException {
    var e = assertThrows(HfFormatException.class,
        () -> HfConfig.read(file("c.json", "{\"model_type\": \"gpt2\", \"scale_attn_by_inverse_layer_idx\": true}")));
    assertTrue(e.getMessage().contains("scale_attn_by_inverse_layer_idx"), e.getMessage());
  }

  @Test
  void validationNamesFileAndField() throws IOException {
    Path heads = file("h.json", "{\"model_type\": \"bert\", \"hidden_size\": 100, \"num_attention_heads\": 12}");
    var e = assertThrows(HfFormatException.class, () -> HfConfig.read(heads));
    assertEquals(heads + ": field \"hidden_size\" (100) must be divisible by num_attention_heads (12)", e.getMessage());
    var neg = assertThrows(HfFormatException.class, () -> HfConfig.read(file("n.json", "{\"model_type\": \"gpt2\", \"n_layer\": 0}")));
    assertTrue(neg.getMessage().contains("\"n_layer\" must be positive, got 0"), neg.getMessage());
    var type = assertThrows(HfFormatException.class, () -> HfConfig.read(file("t.json", "{\"model_type\": \"gpt2\", \"n_embd\": \"big\"}")));
    assertTrue(type.getMessage().contains("\"n_embd\" must be an integer, got \"big\""), type.getMessage());
    var drop = assertThrows(HfFormatException.class, () -> HfConfig.read(file("p.json", "{\"model_type\": \"bert\", \"hidden_dropout_prob\": 1.5}")));
    assertTrue(drop.getMessage().contains("hidden_dropout_prob"), drop.getMessage());
    var pad = assertThrows(HfFormatException.class, () -> HfConfig.read(file("q.json", "{\"model_type\": \"bert\", \"vocab_size\": 10, \"pad_token_id\": 10}")));
    assertTrue(pad.getMessage().contains("pad_token_id"), pad.getMessage());
  }

  @Test
  void badJsonNamesFileAndLine() throws IOException {
    Path p = file("config.json", "{\n  \"model_type\": \"bert\",\n  \"hidden_size\": ,\n}");
    var e = assertThrows(HfFormatException.class, () -> HfConfig.read(p));
    assertTrue(e.getMessage().startsWith(p + ": not valid JSON at line 3"), e.getMessage());
    var dup = assertThrows(HfFormatException.class, () -> HfConfig.read(file("d.json", "{\"model_type\": \"bert\", \"vocab_size\": 1, \"vocab_size\": 2}")));
    assertTrue(dup.getMessage().contains("'vocab_size' appears twice"), dup.getMessage());
    var missing = assertThrows(HfFormatException.class, () -> HfConfig.read(dir.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("nope.json: file not found"), missing.getMessage());
  }

  @Test
  void pythonFloatRepr() {
    assertEquals("1e-12", HfJson.pythonFloat(1e-12));
    assertEquals("1e-05", HfJson.pythonFloat(1e-5));
    assertEquals("0.0001", HfJson.pythonFloat(1e-4));
    assertEquals("0.1", HfJson.pythonFloat(0.1));
    assertEquals("0.02", HfJson.pythonFloat(0.02));
    assertEquals("1.0", HfJson.pythonFloat(1.0));
    assertEquals("-2.5", HfJson.pythonFloat(-2.5));
    assertEquals("1.5e-07", HfJson.pythonFloat(1.5e-7));
    assertEquals("1e+16", HfJson.pythonFloat(1e16));
    assertEquals("1234567890123456.0", HfJson.pythonFloat(1234567890123456.0));
    assertEquals("0.0", HfJson.pythonFloat(0.0));
  }

  @Test
  void pythonJsonLayoutAndEscapes() {
    ObjectNode n = HfJson.mapper().createObjectNode();
    n.put("b", "é\"\n");
    n.putArray("a").add(1).add(2.5);
    n.putObject("c");
    n.putArray("d");
    assertEquals("{\n  \"a\": [\n    1,\n    2.5\n  ],\n  \"b\": \"\\u00e9\\\"\\n\",\n  \"c\": {},\n  \"d\": []\n}", HfJson.toPythonJson(n));
  }
}
