package jdistill.models.gpt2;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Dropout;
import jdistill.engine.nn.Embedding;
import jdistill.engine.nn.LayerNorm;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.ModuleList;
import jdistill.models.transformer.KvCache;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * GPT-2 with its language-model head (HF's GPT2LMHeadModel): token and learned position
 * embeddings, pre-LayerNorm causal blocks, a final LayerNorm, and logits through the token
 * embedding matrix (tied head). Parameter names match HF's ({@code transformer.h.0.attn.c_attn.weight}).
 */
public final class Gpt2 extends Module {

  /** The body, registered as "transformer" as in HF. */
  public static final class Body extends Module {
    final Embedding wte;
    final Embedding wpe;
    final ModuleList<Gpt2Block> h;
    final LayerNorm lnF;

    Body(TransformerConfig c, Rng rng) {
      wte = registerModule("wte", new Embedding(c.vocabSize(), c.hidden(), 0.02, rng));
      wpe = registerModule("wpe", new Embedding(c.maxPositions(), c.hidden(), 0.01, rng));
      h = registerModule("h", new ModuleList<>());
      for (int i = 0; i < c.layers(); i++) h.add(new Gpt2Block(c, rng));
      lnF = registerModule("ln_f", new LayerNorm(c.hidden(), c.eps()));
    }
  }

  private final TransformerConfig config;
  private final Body transformer;
  private final Dropout embedDropout;

  /** A randomly initialised GPT-2 (GPT-2's initialisation scheme) drawn from {@code rng}. */
  public Gpt2(TransformerConfig config, Rng rng) {
    if (config.typeVocabSize() != 0) throw new IllegalArgumentException("GPT-2 has no token types; typeVocabSize must be 0");
    this.config = config;
    transformer = registerModule("transformer", new Body(config, rng));
    embedDropout = new Dropout(config.hiddenDropout(), rng);
  }

  public TransformerConfig config() {
    return config;
  }

  /** The blocks, in order. */
  public ModuleList<Gpt2Block> blocks() {
    return transformer.h;
  }

  @Override
  public Module train(boolean on) {
    embedDropout.train(on);
    return super.train(on);
  }

  /**
   * Logits [B, S, V] for token ids [B, S].
   *
   * @param attentionMask [B, S_total] with 1 for real tokens, 0 for padding (S_total includes cached
   *     positions), or null for no padding
   * @param positionIds [B, S] positions, or null for cache length + 0..S-1
   * @param cache keys and values of earlier positions, extended in place, or null
   */
  public Tensor forward(Tensor ids, Tensor attentionMask, Tensor positionIds, KvCache cache, TapRecorder taps) {
    checkLength(ids.shape(1), cache, positionIds);
    return run(transformer.wte.forward(ids), attentionMask, positionIds, cache, transformer.h.asList(), taps);
  }

  /** The token embeddings [B, S, H] of ids [B, S] (no positions): what {@link #forwardEmbeds} takes. */
  public Tensor embedTokens(Tensor ids) {
    return transformer.wte.forward(ids);
  }

  /**
   * Logits [B, S, V] from token embeddings [B, S, H] instead of ids (HF's {@code inputs_embeds}),
   * e.g. embeddings mixed between examples (MixKD): position embeddings are added here, as in
   * {@link #forward(Tensor, Tensor, Tensor, KvCache, TapRecorder)}, whose other arguments these are.
   */
  public Tensor forwardEmbeds(Tensor inputsEmbeds, Tensor attentionMask, Tensor positionIds, KvCache cache, TapRecorder taps) {
    checkEmbeds(inputsEmbeds);
    checkLength(inputsEmbeds.shape(1), cache, positionIds);
    return run(inputsEmbeds, attentionMask, positionIds, cache, transformer.h.asList(), taps);
  }

  /**
   * Logits [B, S, V] for ids [B, S] with {@code blocks} run in place of this model's own, through
   * this model's embeddings, final LayerNorm and head: the blocks may come from another GPT-2 of the
   * same width (BERT-of-Theseus mixes a teacher's blocks with a student's). Taps are recorded under
   * the blocks' positions in {@code blocks}; no cache.
   */
  public Tensor forwardWithBlocks(Tensor ids, Tensor attentionMask, List<Gpt2Block> blocks, TapRecorder taps) {
    for (int i = 0; i < blocks.size(); i++) {
      int w = blocks.get(i).config().hidden();
      if (w != config.hidden()) {
        throw new IllegalArgumentException("block " + i + " has width " + w + " but this GPT-2 has width " + config.hidden() + "; blocks can only be swapped between models of one width");
      }
    }
    checkLength(ids.shape(1), null, null);
    return run(transformer.wte.forward(ids), attentionMask, null, null, blocks, taps);
  }

  private void checkLength(int s, KvCache cache, Tensor positionIds) {
    int past = cache == null ? 0 : cache.length();
    if (past + s > config.maxPositions() && positionIds == null) {
      throw new IllegalArgumentException("sequence of " + (past + s) + " tokens exceeds the model's " + config.maxPositions() + " positions");
    }
  }

  private void checkEmbeds(Tensor e) {
    if (e.rank() != 3 || e.shape(2) != config.hidden()) {
      throw new IllegalArgumentException("GPT-2 input embeddings must be [batch, seq, " + config.hidden() + "], got " + java.util.Arrays.toString(e.shape()));
    }
  }

  private Tensor run(Tensor tokens, Tensor attentionMask, Tensor positionIds, KvCache cache, List<Gpt2Block> blocks, TapRecorder taps) {
    int b = tokens.shape(0);
    int s = tokens.shape(1);
    int past = cache == null ? 0 : cache.length();
    Tensor pos = positionIds;
    if (pos == null) {
      long[] p = new long[b * s];
      for (int i = 0; i < b; i++) for (int j = 0; j < s; j++) p[i * s + j] = past + j;
      pos = Tensor.ofLongs(p, b, s).to(tokens.device());
    }
    Tensor x = tokens.add(transformer.wpe.forward(pos));
    x = taps.offer(Tap.EMBEDDINGS, 0, embedDropout.forward(x));
    Tensor mask = attentionMask == null ? null : attentionMask.to(DType.F32).to(tokens.device());
    if (mask != null && x.dtype() != DType.F32) mask = mask.to(x.dtype());
    for (int i = 0; i < blocks.size(); i++) x = blocks.get(i).forward(x, mask, cache, i, taps);
    x = taps.offer(Tap.FINAL_HIDDEN, 0, transformer.lnF.forward(x));
    return taps.offer(Tap.LOGITS, 0, x.matmul(transformer.wte.weight().tensor().mT()));
  }

  /** Logits for ids without padding, cache or taps. */
  public Tensor forward(Tensor ids) {
    return forward(ids, null, null, null, TapRecorder.none());
  }
}
