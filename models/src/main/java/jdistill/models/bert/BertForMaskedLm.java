package jdistill.models.bert;

import java.util.List;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.LayerNorm;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * BERT with the masked-LM head (HF's BertForMaskedLM): {@code bert} (no pooler), then {@code
 * cls.predictions.transform} (dense, activation, LayerNorm) and a decoder tied to the word
 * embeddings plus {@code cls.predictions.bias}. The tied decoder weight is not a separate parameter.
 */
public final class BertForMaskedLm extends Module {

  /** "cls". */
  public static final class Cls extends Module {
    final Predictions predictions;

    Cls(TransformerConfig c, Rng rng) {
      predictions = registerModule("predictions", new Predictions(c, rng));
    }
  }

  /** "cls.predictions". */
  public static final class Predictions extends Module {
    final Transform transform;
    final Parameter bias;

    Predictions(TransformerConfig c, Rng rng) {
      transform = registerModule("transform", new Transform(c, rng));
      bias = registerParameter("bias", Parameter.of(() -> Tensor.zeros(c.vocabSize())));
    }
  }

  /** "cls.predictions.transform". */
  public static final class Transform extends Module {
    final Linear dense;
    final LayerNorm layerNorm;

    Transform(TransformerConfig c, Rng rng) {
      dense = registerModule("dense", BertInit.linear(c.hidden(), c.hidden(), rng));
      layerNorm = registerModule("LayerNorm", new LayerNorm(c.hidden(), c.eps()));
    }
  }

  private final Bert bert;
  private final Cls cls;

  public BertForMaskedLm(TransformerConfig config, Rng rng) {
    bert = registerModule("bert", new Bert(config, false, rng));
    cls = registerModule("cls", new Cls(config, rng));
  }

  public Bert bert() {
    return bert;
  }

  public TransformerConfig config() {
    return bert.config();
  }

  /** Vocabulary logits [B, S, V]; arguments as {@link Bert#forward}. */
  public ModelOutput forward(Tensor ids, Tensor attentionMask, Tensor tokenTypeIds, TapRecorder taps) {
    return head(bert.forward(ids, attentionMask, tokenTypeIds, taps), taps);
  }

  /** As {@link #forward} from word embeddings [B, S, H] instead of ids (see {@link Bert#forwardEmbeds}). */
  public ModelOutput forwardEmbeds(Tensor inputsEmbeds, Tensor attentionMask, Tensor tokenTypeIds, TapRecorder taps) {
    return head(bert.forwardEmbeds(inputsEmbeds, attentionMask, tokenTypeIds, taps), taps);
  }

  /** As {@link #forward} with {@code layers} in place of the encoder's own (see {@link Bert#forwardWithLayers}). */
  public ModelOutput forwardWithLayers(Tensor ids, Tensor attentionMask, Tensor tokenTypeIds, List<BertLayer> layers, TapRecorder taps) {
    return head(bert.forwardWithLayers(ids, attentionMask, tokenTypeIds, layers, taps), taps);
  }

  private ModelOutput head(Tensor hidden, TapRecorder taps) {
    Transform t = cls.predictions.transform;
    Tensor x = t.layerNorm.forward(config().activation().apply(t.dense.forward(hidden)));
    Tensor logits = x.matmul(bert.wordEmbeddings().weight().tensor().mT()).add(cls.predictions.bias.tensor());
    return new ModelOutput(taps.offer(Tap.LOGITS, 0, logits), hidden, taps);
  }
}
