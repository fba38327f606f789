package jdistill.models.bert;

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
 * The part the BERT classification heads share: dropout and {@code classifier} [numLabels, H] (HF
 * parameter name) after {@code bert}. Subclasses choose what the classifier sees ({@link
 * #classifierInput}): the pooled [CLS] vector or every position.
 */
abstract class BertClassifier extends BertHeadModel {

  private final Dropout dropout;
  private final Linear classifier;
  private final int numLabels;

  BertClassifier(TransformerConfig config, boolean withPooler, int numLabels, Rng rng) {
    if (numLabels <= 0) throw new IllegalArgumentException("number of labels must be positive, got " + numLabels);
    super(config, withPooler, rng);
    this.numLabels = numLabels;
    dropout = new Dropout(config.hiddenDropout(), rng);
    classifier = registerModule("classifier", BertInit.linear(config.hidden(), numLabels, rng));
  }

  /** What the classifier is applied to, from the encoder's last hidden state [B, S, H]. */
  abstract Tensor classifierInput(Tensor hidden);

  public int numLabels() {
    return numLabels;
  }

  @Override
  public Module train(boolean on) {
    dropout.train(on);
    return super.train(on);
  }

  @Override
  final ModelOutput head(Tensor hidden, TapRecorder taps) {
    Tensor logits = classifier.forward(dropout.forward(classifierInput(hidden)));
    return new ModelOutput(taps.offer(Tap.LOGITS, 0, logits), hidden, taps);
  }
}
