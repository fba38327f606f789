package jdistill.models.bert;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Dropout;
import jdistill.engine.nn.LayerNorm;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.MultiHeadAttention;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * One BERT encoder layer, post-LayerNorm: {@code a = LN(x + attn(x))}, {@code out = LN(a +
 * ffn(a))}, with Hugging Face's module names ({@code attention.self.query}, {@code
 * attention.output.dense}, {@code attention.output.LayerNorm}, {@code intermediate.dense}, {@code
 * output.dense}, {@code output.LayerNorm}).
 */
public final class BertLayer extends Module {

  /** A dense projection followed by LayerNorm over the residual sum. */
  public static final class DenseNorm extends Module {
    final Linear dense;
    final LayerNorm layerNorm;

    DenseNorm(int in, int out, double eps, Rng rng) {
      dense = registerModule("dense", BertInit.linear(in, out, rng));
      layerNorm = registerModule("LayerNorm", new LayerNorm(out, eps));
    }
  }

  /** Query, key and value projections. */
  public static final class SelfAttention extends Module {
    final Linear query;
    final Linear key;
    final Linear value;

    SelfAttention(int h, Rng rng) {
      query = registerModule("query", BertInit.linear(h, h, rng));
      key = registerModule("key", BertInit.linear(h, h, rng));
      value = registerModule("value", BertInit.linear(h, h, rng));
    }
  }

  /** "attention": self-attention plus its output projection. */
  public static final class AttentionBlock extends Module {
    final SelfAttention self;
    final DenseNorm output;

    AttentionBlock(TransformerConfig c, Rng rng) {
      self = registerModule("self", new SelfAttention(c.hidden(), rng));
      output = registerModule("output", new DenseNorm(c.hidden(), c.hidden(), c.eps(), rng));
    }
  }

  /** "intermediate": the first feed-forward projection. */
  public static final class Intermediate extends Module {
    final Linear dense;

    Intermediate(TransformerConfig c, Rng rng) {
      dense = registerModule("dense", BertInit.linear(c.hidden(), c.intermediate(), rng));
    }
  }

  private final TransformerConfig config;
  private final AttentionBlock attention;
  private final Intermediate intermediate;
  private final DenseNorm output;
  private final Dropout attnDropout;
  private final Dropout hiddenDropout;

  public BertLayer(TransformerConfig config, Rng rng) {
    this.config = config;
    attention = registerModule("attention", new AttentionBlock(config, rng));
    intermediate = registerModule("intermediate", new Intermediate(config, rng));
    output = registerModule("output", new DenseNorm(config.intermediate(), config.hidden(), config.eps(), rng));
    attnDropout = new Dropout(config.attentionDropout(), rng);
    hiddenDropout = new Dropout(config.hiddenDropout(), rng);
  }

  /** The shape this layer was built for. */
  public TransformerConfig config() {
    return config;
  }

  @Override
  public Module train(boolean on) {
    attnDropout.train(on);
    hiddenDropout.train(on);
    return super.train(on);
  }

  /** x [B, S, H] to [B, S, H]; {@code keyMask} [B, S] (1 = token, 0 = padding) or null. */
  public Tensor forward(Tensor x, Tensor keyMask, int layer, TapRecorder taps) {
    taps.offer(Tap.LAYER_INPUT, layer, x);
    SelfAttention sa = attention.self;
    Tensor a = MultiHeadAttention.attend(sa.query.forward(x), sa.key.forward(x), sa.value.forward(x), config.heads(), keyMask, false, null, layer, taps,
        isTraining() && config.attentionDropout() > 0 ? attnDropout::forward : null);
    DenseNorm ao = attention.output;
    Tensor h = ao.layerNorm.forward(hiddenDropout.forward(ao.dense.forward(a)).add(x));
    Tensor inter = taps.offer(Tap.FFN_INTERMEDIATE, layer, config.activation().apply(intermediate.dense.forward(h)));
    Tensor out = output.layerNorm.forward(hiddenDropout.forward(output.dense.forward(inter)).add(h));
    return taps.offer(Tap.LAYER_OUTPUT, layer, out);
  }
}
