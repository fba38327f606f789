package jdistill.models.hf;

import jdistill.models.transformer.Activation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT configuration with Hugging Face's field names and defaults ({@code BertConfig}): post-LN
 * encoder blocks, absolute learned positions, token types. {@code id2label} lists the labels of a
 * classification head by index (empty when the file names none; {@link #numLabels()} is then
 * Hugging Face's default 2); {@code problemType} and {@code classifierDropout} may be null.
 * {@code extra} holds the fields of the file this record does not model, written back unchanged.
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int intermediateSize,
    String hiddenAct,
    double hiddenDropoutProb,
    double attentionProbsDropoutProb,
    int maxPositionEmbeddings,
    int typeVocabSize,
    double initializerRange,
    double layerNormEps,
    Integer padTokenId,
    Double classifierDropout,
    List<String> architectures,
    List<String> id2label,
    String problemType,
    String torchDtype,
    String transformersVersion,
    Map<String, Object> extra)
    implements HfConfig {

  /** {@code model_type} of BERT configs. */
  public static final String MODEL_TYPE = "bert";

  /** The values Hugging Face accepts for {@code problem_type}. */
  public static final Set<String> PROBLEM_TYPES = Set.of("regression", "single_label_classification", "multi_label_classification");

  public BertConfig {
    architectures = List.copyOf(architectures);
    id2label = List.copyOf(id2label);
    extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    check(vocabSize > 0, "vocab_size", "must be positive, got " + vocabSize);
    check(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
    check(numHiddenLayers > 0, "num_hidden_layers", "must be positive, got " + numHiddenLayers);
    check(numAttentionHeads > 0, "num_attention_heads", "must be positive, got " + numAttentionHeads);
    check(hiddenSize % numAttentionHeads == 0, "hidden_size",
        "(" + hiddenSize + ") must be divisible by num_attention_heads (" + numAttentionHeads + ")");
    check(intermediateSize > 0, "intermediate_size", "must be positive, got " + intermediateSize);
    check(Activation.fromHfName(hiddenAct) != null, "hidden_act",
        "is \"" + hiddenAct + "\", which jdistill does not support; supported: " + Activation.supportedNames());
    check(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1, "hidden_dropout_prob", "must be a probability in [0, 1), got " + hiddenDropoutProb);
    check(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1, "attention_probs_dropout_prob",
        "must be a probability in [0, 1), got " + attentionProbsDropoutProb);
    check(classifierDropout == null || (classifierDropout >= 0 && classifierDropout < 1), "classifier_dropout",
        "must be a probability in [0, 1) or null, got " + classifierDropout);
    check(maxPositionEmbeddings > 0, "max_position_embeddings", "must be positive, got " + maxPositionEmbeddings);
    check(typeVocabSize > 0, "type_vocab_size", "must be positive, got " + typeVocabSize);
    check(layerNormEps > 0, "layer_norm_eps", "must be positive, got " + layerNormEps);
    check(padTokenId == null || (padTokenId >= 0 && padTokenId < vocabSize), "pad_token_id",
        "must be a token id in [0, " + vocabSize + "), got " + padTokenId);
    check(problemType == null || PROBLEM_TYPES.contains(problemType), "problem_type",
        "is \"" + problemType + "\"; expected one of " + PROBLEM_TYPES + " or null");
  }

  private static void check(boolean ok, String field, String problem) {
    if (!ok) throw new HfFormatException("field \"" + field + "\" " + problem);
  }

  /**
   * A config with the given sizes and Hugging Face's defaults for everything else (exact GELU,
   * dropout 0.1, epsilon 1e-12, two token types, pad id 0), for a bare {@code BertModel}.
   */
  public static BertConfig of(int numHiddenLayers, int hiddenSize, int numAttentionHeads, int intermediateSize, int vocabSize, int maxPositionEmbeddings) {
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, "gelu", 0.1, 0.1,
        maxPositionEmbeddings, 2, 0.02, 1e-12, 0, null, List.of("BertModel"), List.of(), null, "float32", null, Map.of());
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** The FFN activation. */
  public Activation activation() {
    return Activation.fromHfName(hiddenAct);
  }

  /** Number of labels of a classification head: the size of {@code id2label}, 2 when it is empty. */
  public int numLabels() {
    return id2label.isEmpty() ? 2 : id2label.size();
  }

  @Override
  public String modelType() {
    return MODEL_TYPE;
  }

  /** Reads a BERT config object ({@code source} names it in errors). */
  static BertConfig fromJson(ObjectNode json, String source) {
    ConfigFields f = new ConfigFields(json, source);
    f.stringOr("model_type", MODEL_TYPE);
    String positions = f.stringOr("position_embedding_type", "absolute");
    if (!positions.equals("absolute")) {
      throw f.error("position_embedding_type", "is \"" + positions + "\"; jdistill's BERT supports only \"absolute\" position embeddings");
    }
    if (f.boolOr("is_decoder", false)) throw f.error("is_decoder", "is true; jdistill's BERT is an encoder only");
    if (f.boolOr("add_cross_attention", false)) throw f.error("add_cross_attention", "is true; jdistill's BERT has no cross-attention");
    List<String> labels = f.labels("id2label");
    Integer numLabels = f.intOrNull("num_labels");
    if (numLabels != null) {
      if (numLabels <= 0) throw f.error("num_labels", "must be positive, got " + numLabels);
      if (labels.isEmpty()) {
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < numLabels; i++) generated.add("LABEL_" + i);
        labels = generated;
      } else if (labels.size() != numLabels) {
        throw f.error("num_labels", "is " + numLabels + " but id2label names " + labels.size() + " labels");
      }
    }
    f.present("label2id"); // derived from id2label when written
    try {
      return new BertConfig(
          f.intOr("vocab_size", 30522),
          f.intOr("hidden_size", 768),
          f.intOr("num_hidden_layers", 12),
          f.intOr("num_attention_heads", 12),
          f.intOr("intermediate_size", 3072),
          f.stringOr("hidden_act", "gelu"),
          f.doubleOr("hidden_dropout_prob", 0.1),
          f.doubleOr("attention_probs_dropout_prob", 0.1),
          f.intOr("max_position_embeddings", 512),
          f.intOr("type_vocab_size", 2),
          f.doubleOr("initializer_range", 0.02),
          f.doubleOr("layer_norm_eps", 1e-12),
          f.present("pad_token_id") ? f.intOrNull("pad_token_id") : Integer.valueOf(0),
          f.doubleOrNull("classifier_dropout"),
          f.stringList("architectures"),
          labels,
          f.stringOr("problem_type", null),
          f.stringOr("torch_dtype", null),
          f.stringOr("transformers_version", null),
          f.unread());
    } catch (HfFormatException e) {
      throw new HfFormatException(source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode n = HfJson.mapper().createObjectNode();
    extra.forEach((k, v) -> n.set(k, HfJson.fromPlain(v)));
    n.put("model_type", MODEL_TYPE);
    n.set("architectures", HfJson.fromPlain(architectures));
    n.put("vocab_size", vocabSize);
    n.put("hidden_size", hiddenSize);
    n.put("num_hidden_layers", numHiddenLayers);
    n.put("num_attention_heads", numAttentionHeads);
    n.put("intermediate_size", intermediateSize);
    n.put("hidden_act", hiddenAct);
    n.put("hidden_dropout_prob", hiddenDropoutProb);
    n.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
    n.put("max_position_embeddings", maxPositionEmbeddings);
    n.put("type_vocab_size", typeVocabSize);
    n.put("initializer_range", initializerRange);
    n.put("layer_norm_eps", layerNormEps);
    if (padTokenId == null) n.putNull("pad_token_id");
    else n.put("pad_token_id", padTokenId);
    n.put("position_embedding_type", "absolute");
    if (classifierDropout == null) n.putNull("classifier_dropout");
    else n.put("classifier_dropout", classifierDropout);
    if (!id2label.isEmpty()) {
      ObjectNode ids = n.putObject("id2label");
      ObjectNode names = n.putObject("label2id");
      for (int i = 0; i < id2label.size(); i++) {
        ids.put(Integer.toString(i), id2label.get(i));
        names.put(id2label.get(i), i);
      }
    }
    if (problemType != null) n.put("problem_type", problemType);
    if (torchDtype != null) n.put("torch_dtype", torchDtype);
    n.put("transformers_version", transformersVersion == null ? TRANSFORMERS_VERSION : transformersVersion);
    return n;
  }
}
