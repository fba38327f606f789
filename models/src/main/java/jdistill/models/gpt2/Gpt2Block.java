package jdistill.models.gpt2;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Dropout;
import jdistill.engine.nn.LayerNorm;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.Conv1D;
import jdistill.models.transformer.KvCache;
import jdistill.models.transformer.MultiHeadAttention;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * One GPT-2 block, pre-LayerNorm: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}.
 * Children are named as in Hugging Face ({@code ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc,
 * mlp.c_proj}).
 */
public final class Gpt2Block extends Module {

  /** GPT-2's attention projections. */
  public static final class Attn extends Module {
    final Conv1D cAttn;
    final Conv1D cProj;

    Attn(TransformerConfig c, Rng rng) {
      double std = 0.02;
      cAttn = registerModule("c_attn", new Conv1D(c.hidden(), 3 * c.hidden(), std, rng));
      cProj = registerModule("c_proj", new Conv1D(c.hidden(), c.hidden(), std / Math.sqrt(2.0 * c.layers()), rng));
    }
  }

  /** GPT-2's feed-forward projections. */
  public static final class Mlp extends Module {
    final Conv1D cFc;
    final Conv1D cProj;

    Mlp(TransformerConfig c, Rng rng) {
      cFc = registerModule("c_fc", new Conv1D(c.hidden(), c.intermediate(), 0.02, rng));
      cProj = registerModule("c_proj", new Conv1D(c.intermediate(), c.hidden(), 0.02 / Math.sqrt(2.0 * c.layers()), rng));
    }
  }

  private final TransformerConfig config;
  private final LayerNorm ln1;
  private final Attn attn;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final Dropout attnDropout;
  private final Dropout residDropout;

  public Gpt2Block(TransformerConfig config, Rng rng) {
    this.config = config;
    ln1 = registerModule("ln_1", new LayerNorm(config.hidden(), config.eps()));
    attn = registerModule("attn", new Attn(config, rng));
    ln2 = registerModule("ln_2", new LayerNorm(config.hidden(), config.eps()));
    mlp = registerModule("mlp", new Mlp(config, rng));
    attnDropout = new Dropout(config.attentionDropout(), rng);
    residDropout = new Dropout(config.hiddenDropout(), rng);
  }

  /** The shape this block was built for. */
  public TransformerConfig config() {
    return config;
  }

  @Override
  public Module train(boolean on) {
    attnDropout.train(on);
    residDropout.train(on);
    return super.train(on);
  }

  /** x [B, S, H] to [B, S, H]; {@code keyMask} [B, S_total] or null. */
  public Tensor forward(Tensor x, Tensor keyMask, KvCache cache, int layer, TapRecorder taps) {
    taps.offer(Tap.LAYER_INPUT, layer, x);
    int h = config.hidden();
    Tensor qkv = attn.cAttn.forward(ln1.forward(x));
    Tensor q = qkv.narrow(2, 0, h);
    Tensor k = qkv.narrow(2, h, h);
    Tensor v = qkv.narrow(2, 2 * h, h);
    Tensor a = MultiHeadAttention.attend(q, k, v, config.heads(), keyMask, true, cache, layer, taps,
        isTraining() && config.attentionDropout() > 0 ? attnDropout::forward : null);
    x = x.add(residDropout.forward(attn.cProj.forward(a)));
    Tensor inter = taps.offer(Tap.FFN_INTERMEDIATE, layer, config.activation().apply(mlp.cFc.forward(ln2.forward(x))));
    x = x.add(residDropout.forward(mlp.cProj.forward(inter)));
    return taps.offer(Tap.LAYER_OUTPUT, layer, x);
  }
}
