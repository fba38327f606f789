package jdistill.models.bert;

import java.util.List;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Dropout;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * BERT for sequence classification or regression (HF's BertForSequenceClassification): {@code
 * bert} with its pooler, dropout, and {@code classifier} [numLabels, H]. One label means
 * regression (the logit is the predicted value).
 */
public final class BertForSequenceClassification extends Module {

  private final Bert bert;
  private final Dropout dropout;
  private final Linear classifier;
  private final int numLabels;

  public BertForSequenceClassification(TransformerConfig config, int numLabels, Rng rng) {
    if (numLabels <= 0) throw new IllegalArgumentException("number of labels must be positive, got " + numLabels);
    this.numLabels = numLabels;
    bert = registerModule("bert", new Bert(config, true, rng));
    dropout = new Dropout(config.hiddenDropout(), rng);
    classifier = registerModule("classifier", BertInit.linear(config.hidden(), numLabels, rng));
  }

  public Bert bert() {
    return bert;
  }

  public TransformerConfig config() {
    return bert.config();
  }

  public int numLabels() {
    return numLabels;
  }

  @Override
  public Module train(boolean on) {
    dropout.train(on);
    return super.train(on);
  }

  /** Logits [B, numLabels] from the pooled [CLS] vector; arguments as {@link Bert#forward}. */
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
    Tensor logits = classifier.forward(dropout.forward(bert.pool(hidden)));
    return new ModelOutput(taps.offer(Tap.LOGITS, 0, logits), hidden, taps);
  }
}
