package jdistill.models.bert;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Dropout;
import jdistill.engine.nn.Embedding;
import jdistill.engine.nn.LayerNorm;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.ModuleList;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * The BERT encoder (HF's BertModel): word, position and token-type embeddings with LayerNorm,
 * post-LayerNorm layers, and the tanh pooler over [CLS]. Names match HF's ({@code
 * embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight}, {@code
 * pooler.dense.weight}); task heads wrap it as "bert" ({@link BertForMaskedLm}, {@link BertForSequenceClassification},
 * {@link BertForTokenClassification}).
 */
public final class Bert extends Module {

  /** "embeddings". */
  public static final class Embeddings extends Module {
    final Embedding word;
    final Embedding position;
    final Embedding tokenType;
    final LayerNorm layerNorm;

    Embeddings(TransformerConfig c, Rng rng) {
      word = registerModule("word_embeddings", new Embedding(c.vocabSize(), c.hidden(), BertInit.STD, rng));
      position = registerModule("position_embeddings", new Embedding(c.maxPositions(), c.hidden(), BertInit.STD, rng));
      tokenType = registerModule("token_type_embeddings", new Embedding(Math.max(1, c.typeVocabSize()), c.hidden(), BertInit.STD, rng));
      layerNorm = registerModule("LayerNorm", new LayerNorm(c.hidden(), c.eps()));
    }
  }

  /** "encoder". */
  public static final class Encoder extends Module {
    final ModuleList<BertLayer> layer;

    Encoder(TransformerConfig c, Rng rng) {
      layer = registerModule("layer", new ModuleList<>());
      for (int i = 0; i < c.layers(); i++) layer.add(new BertLayer(c, rng));
    }
  }

  /** "pooler". */
  public static final class Pooler extends Module {
    final Linear dense;

    Pooler(TransformerConfig c, Rng rng) {
      dense = registerModule("dense", BertInit.linear(c.hidden(), c.hidden(), rng));
    }
  }

  private final TransformerConfig config;
  private final Embeddings embeddings;
  private final Encoder encoder;
  private final Pooler pooler;
  private final Dropout embedDropout;

  public Bert(TransformerConfig config, boolean withPooler, Rng rng) {
    this.config = config;
    embeddings = registerModule("embeddings", new Embeddings(config, rng));
    encoder = registerModule("encoder", new Encoder(config, rng));
    pooler = withPooler ? registerModule("pooler", new Pooler(config, rng)) : null;
    embedDropout = new Dropout(config.hiddenDropout(), rng);
  }

  public TransformerConfig config() {
    return config;
  }

  public ModuleList<BertLayer> layers() {
    return encoder.layer;
  }

  /** The word embedding matrix (tied to the masked-LM decoder). */
  public Embedding wordEmbeddings() {
    return embeddings.word;
  }

  public boolean hasPooler() {
    return pooler != null;
  }

  @Override
  public Module train(boolean on) {
    embedDropout.train(on);
    return super.train(on);
  }

  /**
   * Last hidden state [B, S, H] for ids [B, S].
   *
   * @param attentionMask [B, S], 1 for tokens and 0 for padding, or null
   * @param tokenTypeIds [B, S], or null for all zeros
   */
  public Tensor forward(Tensor ids, Tensor attentionMask, Tensor tokenTypeIds, TapRecorder taps) {
    return run(embeddings.word.forward(ids), attentionMask, tokenTypeIds, encoder.layer.asList(), taps);
  }

  /** The word embeddings [B, S, H] of ids [B, S] (no positions, types or LayerNorm): what {@link #forwardEmbeds} takes. */
  public Tensor embedTokens(Tensor ids) {
    return embeddings.word.forward(ids);
  }

  /**
   * Last hidden state [B, S, H] from word embeddings [B, S, H] instead of ids (HF's {@code
   * inputs_embeds}), e.g. embeddings mixed between examples (MixKD): position and token-type
   * embeddings and the embedding LayerNorm are applied here; other arguments as {@link #forward}.
   */
  public Tensor forwardEmbeds(Tensor inputsEmbeds, Tensor attentionMask, Tensor tokenTypeIds, TapRecorder taps) {
    if (inputsEmbeds.rank() != 3 || inputsEmbeds.shape(2) != config.hidden()) {
      throw new IllegalArgumentException("BERT input embeddings must be [batch, seq, " + config.hidden() + "], got " + java.util.Arrays.toString(inputsEmbeds.shape()));
    }
    return run(inputsEmbeds, attentionMask, tokenTypeIds, encoder.layer.asList(), taps);
  }

  /**
   * Last hidden state [B, S, H] for ids [B, S] with {@code layers} run in place of this encoder's
   * own, after this model's embeddings: the layers may come from another BERT of the same width
   * (BERT-of-Theseus mixes a teacher's layers with a student's). Taps are recorded under the
   * layers' positions in {@code layers}.
   */
  public Tensor forwardWithLayers(Tensor ids, Tensor attentionMask, Tensor tokenTypeIds, List<BertLayer> layers, TapRecorder taps) {
    for (int i = 0; i < layers.size(); i++) {
      int w = layers.get(i).config().hidden();
      if (w != config.hidden()) {
        throw new IllegalArgumentException("layer " + i + " has width " + w + " but this BERT has width " + config.hidden() + "; layers can only be swapped between models of one width");
      }
    }
    return run(embeddings.word.forward(ids), attentionMask, tokenTypeIds, layers, taps);
  }

  private Tensor run(Tensor words, Tensor attentionMask, Tensor tokenTypeIds, List<BertLayer> layers, TapRecorder taps) {
    int b = words.shape(0);
    int s = words.shape(1);
    if (s > config.maxPositions()) {
      throw new IllegalArgumentException("sequence of " + s + " tokens exceeds the model's " + config.maxPositions() + " positions");
    }
    long[] p = new long[b * s];
    for (int i = 0; i < b; i++) for (int j = 0; j < s; j++) p[i * s + j] = j;
    Tensor pos = Tensor.ofLongs(p, b, s).to(words.device());
    Tensor types = tokenTypeIds != null ? tokenTypeIds : Tensor.zeros(DType.I64, words.device(), b, s);
    Tensor x = words.add(embeddings.position.forward(pos)).add(embeddings.tokenType.forward(types));
    x = taps.offer(Tap.EMBEDDINGS, 0, embedDropout.forward(embeddings.layerNorm.forward(x)));
    Tensor mask = attentionMask == null ? null : attentionMask.to(x.dtype());
    for (int i = 0; i < layers.size(); i++) x = layers.get(i).forward(x, mask, i, taps);
    return taps.offer(Tap.FINAL_HIDDEN, 0, x);
  }

  /** tanh(dense(hidden[:, 0])) — the pooled [CLS] vector [B, H]. */
  public Tensor pool(Tensor lastHidden) {
    if (pooler == null) throw new IllegalStateException("this BERT has no pooler");
    return pooler.dense.forward(lastHidden.select(1, 0)).tanh();
  }
}
