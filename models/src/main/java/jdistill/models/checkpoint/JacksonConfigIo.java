package jdistill.models.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/** The keys of GPT-2 and BERT config.json files this project needs, read and written with Jackson. */
public final class JacksonConfigIo implements ConfigIo {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public ModelSpec read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object");
    String type = text(root, file, "model_type");
    JsonNode arch = root.get("architectures");
    String architecture = arch != null && arch.isArray() && !arch.isEmpty() ? arch.get(0).asText() : null;
    ModelFamily family;
    try {
      family = ModelFamily.fromHf(type, architecture);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    try {
      if (family.isGpt2()) {
        int hidden = integer(root, file, "n_embd");
        JsonNode inner = root.get("n_inner");
        TransformerConfig c = new TransformerConfig(integer(root, file, "vocab_size"), integer(root, file, "n_positions"), 0, hidden,
            integer(root, file, "n_layer"), integer(root, file, "n_head"), inner == null || inner.isNull() ? 4 * hidden : inner.asInt(),
            number(root, "layer_norm_epsilon", 1e-5), Activation.fromHf(root.path("activation_function").asText("gelu_new")),
            number(root, "resid_pdrop", 0.1), number(root, "attn_pdrop", 0.1));
        return new ModelSpec(family, c, 0);
      }
      TransformerConfig c = new TransformerConfig(integer(root, file, "vocab_size"), integer(root, file, "max_position_embeddings"),
          root.path("type_vocab_size").asInt(2), integer(root, file, "hidden_size"), integer(root, file, "num_hidden_layers"),
          integer(root, file, "num_attention_heads"), integer(root, file, "intermediate_size"), number(root, "layer_norm_eps", 1e-12),
          Activation.fromHf(root.path("hidden_act").asText("gelu")), number(root, "hidden_dropout_prob", 0.1), number(root, "attention_probs_dropout_prob", 0.1));
      int labels = 0;
      if (family == ModelFamily.BERT_SEQUENCE_CLASSIFICATION || family == ModelFamily.BERT_TOKEN_CLASSIFICATION) {
        JsonNode id2label = root.get("id2label");
        labels = root.has("num_labels") ? root.get("num_labels").asInt() : id2label != null && id2label.isObject() ? id2label.size() : 2;
      }
      return new ModelSpec(family, c, labels);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(ModelSpec spec, Path file) throws IOException {
    TransformerConfig c = spec.config();
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add(spec.family().architecture());
    if (spec.family().isGpt2()) {
      root.put("model_type", "gpt2");
      root.put("vocab_size", c.vocabSize());
      root.put("n_positions", c.maxPositions());
      root.put("n_embd", c.hidden());
      root.put("n_layer", c.layers());
      root.put("n_head", c.heads());
      root.put("n_inner", c.intermediate());
      root.put("layer_norm_epsilon", c.eps());
      root.put("activation_function", c.activation().hfName());
      root.put("resid_pdrop", c.hiddenDropout());
      root.put("embd_pdrop", c.hiddenDropout());
      root.put("attn_pdrop", c.attentionDropout());
    } else {
      root.put("model_type", "bert");
      root.put("vocab_size", c.vocabSize());
      root.put("max_position_embeddings", c.maxPositions());
      root.put("type_vocab_size", c.typeVocabSize());
      root.put("hidden_size", c.hidden());
      root.put("num_hidden_layers", c.layers());
      root.put("num_attention_heads", c.heads());
      root.put("intermediate_size", c.intermediate());
      root.put("layer_norm_eps", c.eps());
      root.put("hidden_act", c.activation().hfName());
      root.put("hidden_dropout_prob", c.hiddenDropout());
      root.put("attention_probs_dropout_prob", c.attentionDropout());
      if (spec.numLabels() > 0) {
        root.put("num_labels", spec.numLabels());
        ObjectNode id2label = root.putObject("id2label");
        ObjectNode label2id = root.putObject("label2id");
        for (int i = 0; i < spec.numLabels(); i++) {
          id2label.put(Integer.toString(i), "LABEL_" + i);
          label2id.put("LABEL_" + i, i);
        }
      }
    }
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String text(JsonNode root, Path file, String key) throws IOException {
    JsonNode n = root.get(key);
    if (n == null || !n.isTextual()) throw new IOException(file + ": missing string field '" + key + "'");
    return n.asText();
  }

  private static int integer(JsonNode root, Path file, String key) {
    JsonNode n = root.get(key);
    if (n == null || !n.canConvertToInt()) throw new IllegalArgumentException("missing integer field '" + key + "'");
    return n.asInt();
  }

  private static double number(JsonNode root, String key, double fallback) {
    JsonNode n = root.get(key);
    return n == null || !n.isNumber() ? fallback : n.asDouble();
  }
}
