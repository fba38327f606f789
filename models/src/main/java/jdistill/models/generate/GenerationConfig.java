package jdistill.models.generate;

import java.util.Set;

/**
 * Decoding settings. Temperature 0 means greedy; topK 0 and topP 1 disable those filters;
 * repetitionPenalty 1 disables it (CTRL's rule: positive logits of seen tokens divided, negative
 * multiplied).
 */
public record GenerationConfig(int maxNewTokens, double temperature, int topK, double topP, double repetitionPenalty, Set<Long> stopTokens, long padToken, long seed) {

  public GenerationConfig {
    if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetitionPenalty must be positive, got " + repetitionPenalty);
    stopTokens = Set.copyOf(stopTokens);
  }

  /** Greedy decoding of {@code n} tokens, no stop tokens, pad id 0. */
  public static GenerationConfig greedy(int n) {
    return new GenerationConfig(n, 0, 0, 1, 1, Set.of(), 0, 0);
  }
}
