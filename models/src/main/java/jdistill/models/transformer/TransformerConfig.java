package jdistill.models.transformer;

/**
 * The hyper-parameters of a GPT-2 or BERT style transformer, as the shared blocks need them.
 * The HF config readers convert {@code config.json} into this record.
 *
 * @param typeVocabSize token-type vocabulary (BERT; 0 for GPT-2)
 * @param intermediate feed-forward width
 * @param eps layer-norm epsilon
 * @param hiddenDropout dropout on embeddings and residual branches
 * @param attentionDropout dropout on attention probabilities
 */
public record TransformerConfig(
    int vocabSize,
    int maxPositions,
    int typeVocabSize,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    double eps,
    Activation activation,
    double hiddenDropout,
    double attentionDropout) {

  public TransformerConfig {
    positive("vocab size", vocabSize);
    positive("max positions", maxPositions);
    positive("hidden size", hidden);
    positive("layers", layers);
    positive("heads", heads);
    positive("intermediate size", intermediate);
    if (typeVocabSize < 0) throw new IllegalArgumentException("type vocab size must be >= 0, got " + typeVocabSize);
    if (hidden % heads != 0) throw new IllegalArgumentException("hidden size " + hidden + " is not divisible by the " + heads + " attention heads");
    if (!(eps > 0)) throw new IllegalArgumentException("layer-norm epsilon must be positive, got " + eps);
    if (hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0 || attentionDropout >= 1) {
      throw new IllegalArgumentException("dropout probabilities must be in [0, 1), got " + hiddenDropout + " and " + attentionDropout);
    }
  }

  private static void positive(String what, int v) {
    if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
  }

  /** Width of one attention head. */
  public int headDim() {
    return hidden / heads;
  }

  /** The same shape with another number of layers. */
  public TransformerConfig withLayers(int n) {
    return new TransformerConfig(vocabSize, maxPositions, typeVocabSize, hidden, n, heads, intermediate, eps, activation, hiddenDropout, attentionDropout);
  }

  /** The same vocabulary and positions with another width (for fresh students). */
  public TransformerConfig withSize(int newLayers, int newHidden, int newHeads, int newIntermediate) {
    return new TransformerConfig(vocabSize, maxPositions, typeVocabSize, newHidden, newLayers, newHeads, newIntermediate, eps, activation, hiddenDropout, attentionDropout);
  }

  /** The same shape with dropout turned off (for reference computations). */
  public TransformerConfig withoutDropout() {
    return new TransformerConfig(vocabSize, maxPositions, typeVocabSize, hidden, layers, heads, intermediate, eps, activation, 0, 0);
  }
}
