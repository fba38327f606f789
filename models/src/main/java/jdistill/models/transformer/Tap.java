package jdistill.models.transformer;

import java.util.Locale;

/**
 * The named internal points a model can record. Per-layer taps carry a layer index; {@link
 * #LAYER_OUTPUT} of layer i is the input of layer i+1, and {@link #EMBEDDINGS} is the input of
 * layer 0, so HF's {@code hidden_states} tuple is EMBEDDINGS followed by each LAYER_OUTPUT.
 */
public enum Tap {
  /** Embedding output [B, S, H] (after BERT's embedding LayerNorm). */
  EMBEDDINGS(false),
  /** A layer's input hidden state [B, S, H]. */
  LAYER_INPUT(true),
  /** A layer's output hidden state [B, S, H]. */
  LAYER_OUTPUT(true),
  /** Attention scores before softmax, after scaling and masking [B, heads, S, S]. */
  ATTENTION_SCORES(true),
  /** Attention probabilities [B, heads, S, S]. */
  ATTENTION_PROBS(true),
  /** Queries per head [B, heads, S, head_dim]. */
  QUERY(true),
  /** Keys per head [B, heads, S, head_dim]. */
  KEY(true),
  /** Values per head [B, heads, S, head_dim]. */
  VALUE(true),
  /** Feed-forward intermediate after the activation [B, S, intermediate]. */
  FFN_INTERMEDIATE(true),
  /** Final hidden state [B, S, H] (after GPT-2's final LayerNorm). */
  FINAL_HIDDEN(false),
  /** Output logits of the model's head. */
  LOGITS(false);

  private final boolean perLayer;

  Tap(boolean perLayer) {
    this.perLayer = perLayer;
  }

  /** True for taps that exist once per layer. */
  public boolean perLayer() {
    return perLayer;
  }

  /** The config name, e.g. "attention_probs". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config name ("attention_probs", "hidden" as an alias of layer_output). */
  public static Tap parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("hidden")) return LAYER_OUTPUT;
    for (Tap t : values()) {
      if (t.configName().equals(n)) return t;
    }
    StringBuilder valid = new StringBuilder();
    for (Tap t : values()) valid.append(valid.isEmpty() ? "" : ", ").append(t.configName());
    throw new IllegalArgumentException("unknown tap '" + name + "': expected one of " + valid);
  }
}
