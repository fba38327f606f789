package jdistill.models.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.io.Safetensors;
import jdistill.engine.io.SafetensorsFile;
import jdistill.engine.nn.Module;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {

  @TempDir Path tmp;

  static final TransformerConfig GPT = new TransformerConfig(20, 8, 0, 8, 2, 2, 16, 1e-5, Activation.GELU_TANH, 0.1, 0.1);
  static final TransformerConfig BERT = new TransformerConfig(20, 8, 2, 8, 2, 2, 16, 1e-12, Activation.GELU_ERF, 0.1, 0.1);

  static void assertSameWeights(Module a, Module b) {
    Map<String, Tensor> sa = a.stateDict();
    Map<String, Tensor> sb = b.stateDict();
    assertEquals(sa.keySet(), sb.keySet());
    for (String k : sa.keySet()) assertArrayEquals(sa.get(k).toFloatArray(), sb.get(k).toFloatArray(), k);
  }

  @Test
  void gpt2RoundTripWritesHfNames() throws Exception {
    Gpt2 model = new Gpt2(GPT, new Rng(1));
    HfCheckpoint.save(model, tmp);
    try (SafetensorsFile f = Safetensors.open(tmp.resolve("model.safetensors"))) {
      assertTrue(f.contains("transformer.h.1.attn.c_attn.weight"));
      assertFalse(f.contains("lm_head.weight"));
    }
    String json = Files.readString(tmp.resolve("config.json"));
    assertTrue(json.contains("\"GPT2LMHeadModel\"") && json.contains("\"n_embd\": 8"), json);
    HfCheckpoint.Loaded loaded = HfCheckpoint.load(tmp);
    assertEquals(ModelFamily.GPT2_LM, loaded.spec().family());
    assertEquals(GPT, loaded.spec().config());
    assertSameWeights(model, loaded.model());
    assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
  }

  /** An HF GPT2Model-style file: no prefix, attention-mask buffers, a tied lm_head copy, BF16 values. */
  @Test
  void gpt2WithoutPrefixTiedHeadBuffersAndBf16() throws Exception {
    Gpt2 model = new Gpt2(GPT, new Rng(2));
    HfCheckpoint.save(model, tmp);
    Map<String, Tensor> renamed = new LinkedHashMap<>();
    for (var e : model.stateDict().entrySet()) renamed.put(e.getKey().substring("transformer.".length()), e.getValue().to(DType.BF16));
    renamed.put("h.0.attn.bias", Tensor.ones(1, 1, 8, 8));
    renamed.put("lm_head.weight", model.stateDict().get("transformer.wte.weight").to(DType.BF16));
    Safetensors.save(tmp.resolve("model.safetensors"), renamed);
    Module loaded = HfCheckpoint.load(tmp).model();
    for (var e : model.stateDict().entrySet()) {
      Tensor got = loaded.stateDict().get(e.getKey());
      assertEquals(DType.F32, got.dtype());
      assertArrayEquals(e.getValue().to(DType.BF16).to(DType.F32).toFloatArray(), got.toFloatArray(), e.getKey());
    }
  }

  @Test
  void untiedHeadIsAnError() throws Exception {
    Gpt2 model = new Gpt2(GPT, new Rng(3));
    HfCheckpoint.save(model, tmp);
    Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
    state.put("lm_head.weight", Tensor.zeros(20, 8));
    Safetensors.save(tmp.resolve("model.safetensors"), state);
    var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.load(tmp));
    assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("differs"), e.getMessage());
  }

  @Test
  void missingExtraAndMisshapedTensorsAreNamed() throws Exception {
    Gpt2 model = new Gpt2(GPT, new Rng(4));
    HfCheckpoint.save(model, tmp);
    Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
    state.remove("transformer.ln_f.bias");
    state.put("transformer.h.0.mlp.c_fc.weight", Tensor.zeros(16, 8));
    state.put("transformer.extra.weight", Tensor.zeros(3));
    state.put("transformer.h.1.ln_1.weight", Tensor.ofLongs(new long[8], 8));
    Safetensors.save(tmp.resolve("model.safetensors"), state);
    String m = assertThrows(CheckpointException.class, () -> HfCheckpoint.load(tmp)).getMessage();
    assertTrue(m.contains("missing tensor transformer.ln_f.bias [8]"), m);
    assertTrue(m.contains("model.safetensors: tensor 'transformer.h.0.mlp.c_fc.weight' has shape [16, 8], expected [8, 16]"), m);
    assertTrue(m.contains("unexpected tensor 'transformer.extra.weight'"), m);
    assertTrue(m.contains("'transformer.h.1.ln_1.weight' has dtype I64"), m);
  }

  @Test
  void shardedIndexIsRead() throws Exception {
    Gpt2 model = new Gpt2(GPT, new Rng(5));
    HfCheckpoint.save(model, tmp);
    Files.delete(tmp.resolve("model.safetensors"));
    Map<String, Tensor> a = new LinkedHashMap<>();
    Map<String, Tensor> b = new LinkedHashMap<>();
    StringBuilder map = new StringBuilder();
    int i = 0;
    for (var e : model.stateDict().entrySet()) {
      boolean first = i++ % 2 == 0;
      (first ? a : b).put(e.getKey(), e.getValue());
      map.append(map.isEmpty() ? "" : ",").append('"').append(e.getKey()).append("\":\"model-0000").append(first ? 1 : 2).append("-of-00002.safetensors\"");
    }
    Safetensors.save(tmp.resolve("model-00001-of-00002.safetensors"), a);
    Safetensors.save(tmp.resolve("model-00002-of-00002.safetensors"), b);
    Files.writeString(tmp.resolve("model.safetensors.index.json"), "{\"metadata\":{\"total_size\":0},\"weight_map\":{" + map + "}}");
    assertSameWeights(model, HfCheckpoint.load(tmp).model());
    Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
    String m = assertThrows(CheckpointException.class, () -> HfCheckpoint.load(tmp)).getMessage();
    assertTrue(m.contains("model-00002-of-00002.safetensors is missing"), m);
  }

  @Test
  void bertHeadRoundTripAndUnprefixedEncoderNames() throws Exception {
    BertForSequenceClassification model = new BertForSequenceClassification(BERT, 3, new Rng(6));
    HfCheckpoint.save(model, tmp);
    HfCheckpoint.Loaded loaded = HfCheckpoint.load(tmp);
    assertEquals(ModelFamily.BERT_SEQUENCE_CLASSIFICATION, loaded.spec().family());
    assertEquals(3, loaded.spec().numLabels());
    assertSameWeights(model, loaded.model());
    Map<String, Tensor> unprefixed = new LinkedHashMap<>();
    for (var e : model.stateDict().entrySet()) unprefixed.put(e.getKey().startsWith("bert.") ? e.getKey().substring(5) : e.getKey(), e.getValue());
    unprefixed.put("embeddings.position_ids", Tensor.arange(8).reshape(1, 8));
    Safetensors.save(tmp.resolve("model.safetensors"), unprefixed);
    assertSameWeights(model, HfCheckpoint.load(tmp).model());
  }

  @Test
  void bertBaseModelHasNoPrefix() throws Exception {
    var bert = new jdistill.models.bert.Bert(BERT, true, new Rng(7));
    HfCheckpoint.save(bert, tmp);
    try (SafetensorsFile f = Safetensors.open(tmp.resolve("model.safetensors"))) {
      assertTrue(f.contains("embeddings.word_embeddings.weight") && f.contains("pooler.dense.weight"));
    }
    assertSameWeights(bert, HfCheckpoint.load(tmp).model());
  }

  @Test
  void missingFilesAreReported() {
    String m = assertThrows(CheckpointException.class, () -> HfCheckpoint.load(tmp)).getMessage();
    assertTrue(m.contains("no config.json"), m);
  }
}
