package jdistill.models.bert;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.transformer.TransformerConfig;

/**
 * BERT for token classification (HF's BertForTokenClassification): {@code bert} without pooler,
 * dropout, and {@code classifier} [numLabels, H] applied at every position. Logits are [B, S,
 * numLabels].
 */
public final class BertForTokenClassification extends BertClassifier {

  public BertForTokenClassification(TransformerConfig config, int numLabels, Rng rng) {
    super(config, false, numLabels, rng);
  }

  @Override
  Tensor classifierInput(Tensor hidden) {
    return hidden;
  }
}
