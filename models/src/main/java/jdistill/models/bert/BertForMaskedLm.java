package jdistill.models.bert;

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
 * Logits are [B, S, V].
 */
public final class BertForMaskedLm extends BertHeadModel {

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

  private final Cls cls;

  public BertForMaskedLm(TransformerConfig config, Rng rng) {
    super(config, false, rng);
    cls = registerModule("cls", new Cls(config, rng));
  }

  /** Vocabulary logits [B, S, V] from the encoder's last hidden state. */
  @Override
  ModelOutput head(Tensor hidden, TapRecorder taps) {
    Transform t = cls.predictions.transform;
    Tensor x = t.layerNorm.forward(config().activation().apply(t.dense.forward(hidden)));
    Tensor logits = x.matmul(bert().wordEmbeddings().weight().tensor().mT()).add(cls.predictions.bias.tensor());
    return new ModelOutput(taps.offer(Tap.LOGITS, 0, logits), hidden, taps);
  }
}
