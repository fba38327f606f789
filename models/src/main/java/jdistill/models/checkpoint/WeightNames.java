package jdistill.models.checkpoint;

import java.util.regex.Pattern;

/**
 * Maps tensor names found in Hugging Face checkpoint files onto a model's parameter names: GPT-2
 * files with or without the "transformer." prefix, BERT files with or without "bert.", tied
 * copies (lm_head, the masked-LM decoder) and buffers HF stores but that hold no weights.
 */
final class WeightNames {

  /** How a file tensor relates to the model. */
  enum Kind { PARAMETER, TIED_COPY, IGNORED }

  /** The model name a file name maps to, and how. */
  record Mapping(Kind kind, String modelName) {}

  private static final Pattern GPT2_BUFFER = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");

  private WeightNames() {}

  static Mapping map(ModelFamily family, String name, boolean hasPooler) {
    if (family.isGpt2()) {
      if (GPT2_BUFFER.matcher(name).matches()) return new Mapping(Kind.IGNORED, null);
      if (name.equals("lm_head.weight")) return new Mapping(Kind.TIED_COPY, "transformer.wte.weight");
      return new Mapping(Kind.PARAMETER, name.startsWith("transformer.") ? name : "transformer." + name);
    }
    String base = name.startsWith("bert.") ? name.substring(5) : name;
    if (base.equals("embeddings.position_ids")) return new Mapping(Kind.IGNORED, null);
    if (!family.hasBertPrefix()) return new Mapping(Kind.PARAMETER, base);
    if (name.startsWith("cls.seq_relationship.")) return new Mapping(Kind.IGNORED, null);
    if (base.startsWith("pooler.") && !hasPooler) return new Mapping(Kind.IGNORED, null);
    if (name.equals("cls.predictions.decoder.weight")) return new Mapping(Kind.TIED_COPY, "bert.embeddings.word_embeddings.weight");
    if (name.equals("cls.predictions.decoder.bias")) return new Mapping(Kind.TIED_COPY, "cls.predictions.bias");
    if (name.startsWith("cls.") || name.startsWith("classifier.")) return new Mapping(Kind.PARAMETER, name);
    return new Mapping(Kind.PARAMETER, "bert." + base);
  }
}
