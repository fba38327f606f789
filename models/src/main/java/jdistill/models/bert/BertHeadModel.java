package jdistill.models.bert;

import java.util.List;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * A BERT with a task head (masked LM, sequence or token classification): the encoder {@code
 * bert} (HF parameter name) and the three forward entry points, each running the encoder and then
 * the subclass's {@link #head} (package-private, so the subclasses here are the only ones).
 */
public abstract class BertHeadModel extends Module {

  private final Bert bert;

  BertHeadModel(TransformerConfig config, boolean withPooler, Rng rng) {
    bert = registerModule("bert", new Bert(config, withPooler, rng));
  }

  /** The output from the encoder's last hidden state [B, S, H]; offers the logits to {@code taps}. */
  abstract ModelOutput head(Tensor hidden, TapRecorder taps);

  public Bert bert() {
    return bert;
  }

  public TransformerConfig config() {
    return bert.config();
  }

  /** Logits (shape as the model says); arguments as {@link Bert#forward}. */
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
}
