package jdistill.models.hf;

import jdistill.models.transformer.Activation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A GPT-2 configuration with Hugging Face's field names and defaults ({@code GPT2Config}): pre-LN
 * decoder blocks, learned positions, tied input/output embeddings by default. {@code nInner} is
 * null when the FFN width is the default {@code 4 * nEmbd}; {@code extra} holds the fields of the
 * file this record does not model, written back unchanged.
 */
public record Gpt2Config(
    int nLayer,
    int nEmbd,
    int nHead,
    Integer nInner,
    int vocabSize,
    int nPositions,
    double layerNormEpsilon,
    String activationFunction,
    double residPdrop,
    double embdPdrop,
    double attnPdrop,
    boolean tieWordEmbeddings,
    double initializerRange,
    Integer bosTokenId,
    Integer eosTokenId,
    List<String> architectures,
    String torchDtype,
    String transformersVersion,
    Map<String, Object> extra)
    implements HfConfig {

  /** {@code model_type} of GPT-2 configs. */
  public static final String MODEL_TYPE = "gpt2";

  public Gpt2Config {
    architectures = List.copyOf(architectures);
    extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    check(nLayer > 0, "n_layer", "must be positive, got " + nLayer);
    check(nEmbd > 0, "n_embd", "must be positive, got " + nEmbd);
    check(nHead > 0, "n_head", "must be positive, got " + nHead);
    check(nEmbd % nHead == 0, "n_embd", "(" + nEmbd + ") must be divisible by n_head (" + nHead + ")");
    check(nInner == null || nInner > 0, "n_inner", "must be positive or null, got " + nInner);
    check(vocabSize > 0, "vocab_size", "must be positive, got " + vocabSize);
    check(nPositions > 0, "n_positions", "must be positive, got " + nPositions);
    check(layerNormEpsilon > 0, "layer_norm_epsilon", "must be positive, got " + layerNormEpsilon);
    check(Activation.fromHfName(activationFunction) != null, "activation_function",
        "is \"" + activationFunction + "\", which jdistill does not support; supported: " + Activation.supportedNames());
    check(residPdrop >= 0 && residPdrop < 1, "resid_pdrop", "must be a probability in [0, 1), got " + residPdrop);
    check(embdPdrop >= 0 && embdPdrop < 1, "embd_pdrop", "must be a probability in [0, 1), got " + embdPdrop);
    check(attnPdrop >= 0 && attnPdrop < 1, "attn_pdrop", "must be a probability in [0, 1), got " + attnPdrop);
  }

  private static void check(boolean ok, String field, String problem) {
    if (!ok) throw new HfFormatException("field \"" + field + "\" " + problem);
  }

  /**
   * A config with the given sizes and Hugging Face's defaults for everything else (GELU tanh,
   * dropout 0.1, epsilon 1e-5, tied embeddings), for models built from scratch.
   */
  public static Gpt2Config of(int nLayer, int nEmbd, int nHead, int vocabSize, int nPositions) {
    return new Gpt2Config(nLayer, nEmbd, nHead, null, vocabSize, nPositions, 1e-5, "gelu_new", 0.1, 0.1, 0.1, true, 0.02,
        50256, 50256, List.of("GPT2LMHeadModel"), "float32", null, Map.of());
  }

  /** The FFN width: {@code nInner}, or {@code 4 * nEmbd} when that is null. */
  public int innerSize() {
    return nInner == null ? 4 * nEmbd : nInner;
  }

  /** Width of one attention head. */
  public int headDim() {
    return nEmbd / nHead;
  }

  /** The FFN activation. */
  public Activation activation() {
    return Activation.fromHfName(activationFunction);
  }

  @Override
  public String modelType() {
    return MODEL_TYPE;
  }

  /** Reads a GPT-2 config object ({@code source} names it in errors). */
  static Gpt2Config fromJson(ObjectNode json, String source) {
    ConfigFields f = new ConfigFields(json, source);
    f.stringOr("model_type", MODEL_TYPE);
    if (f.boolOr("add_cross_attention", false)) throw f.error("add_cross_attention", "is true; jdistill's GPT-2 has no cross-attention");
    if (!f.boolOr("scale_attn_weights", true)) throw f.error("scale_attn_weights", "is false; jdistill's GPT-2 always scales attention by 1/sqrt(head_dim)");
    if (f.boolOr("scale_attn_by_inverse_layer_idx", false)) {
      throw f.error("scale_attn_by_inverse_layer_idx", "is true; jdistill's GPT-2 does not scale attention by layer index");
    }
    // reorder_and_upcast_attn only changes precision (jdistill computes attention in float32 either
    // way), so it is left unread and carried through with the other extras.
    try {
      return new Gpt2Config(
          f.intOr("n_layer", 12),
          f.intOr("n_embd", 768),
          f.intOr("n_head", 12),
          f.intOrNull("n_inner"),
          f.intOr("vocab_size", 50257),
          f.intOr("n_positions", 1024),
          f.doubleOr("layer_norm_epsilon", 1e-5),
          f.stringOr("activation_function", "gelu_new"),
          f.doubleOr("resid_pdrop", 0.1),
          f.doubleOr("embd_pdrop", 0.1),
          f.doubleOr("attn_pdrop", 0.1),
          f.boolOr("tie_word_embeddings", true),
          f.doubleOr("initializer_range", 0.02),
          f.present("bos_token_id") ? f.intOrNull("bos_token_id") : Integer.valueOf(50256),
          f.present("eos_token_id") ? f.intOrNull("eos_token_id") : Integer.valueOf(50256),
          f.stringList("architectures"),
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
    n.put("n_layer", nLayer);
    n.put("n_embd", nEmbd);
    n.put("n_head", nHead);
    if (nInner == null) n.putNull("n_inner");
    else n.put("n_inner", nInner);
    n.put("vocab_size", vocabSize);
    n.put("n_positions", nPositions);
    n.put("layer_norm_epsilon", layerNormEpsilon);
    n.put("activation_function", activationFunction);
    n.put("resid_pdrop", residPdrop);
    n.put("embd_pdrop", embdPdrop);
    n.put("attn_pdrop", attnPdrop);
    n.put("tie_word_embeddings", tieWordEmbeddings);
    n.put("initializer_range", initializerRange);
    if (bosTokenId == null) n.putNull("bos_token_id");
    else n.put("bos_token_id", bosTokenId);
    if (eosTokenId == null) n.putNull("eos_token_id");
    else n.put("eos_token_id", eosTokenId);
    n.put("scale_attn_weights", true);
    n.put("scale_attn_by_inverse_layer_idx", false);
    if (!n.has("reorder_and_upcast_attn")) n.put("reorder_and_upcast_attn", false);
    if (torchDtype != null) n.put("torch_dtype", torchDtype);
    n.put("transformers_version", transformersVersion == null ? TRANSFORMERS_VERSION : transformersVersion);
    return n;
  }
}
