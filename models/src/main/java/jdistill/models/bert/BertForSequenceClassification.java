package jdistill.models.bert;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.transformer.TransformerConfig;

/**
 * BERT for sequence classification or regression (HF's BertForSequenceClassification): {@code
 * bert} with its pooler, dropout, and {@code classifier} [numLabels, H]. One label means
 * regression (the logit is the predicted value). Logits are [B, numLabels] from the pooled [CLS]
 * vector.
 */
public final class BertForSequenceClassification extends BertClassifier {

  public BertForSequenceClassification(TransformerConfig config, int numLabels, Rng rng) {
    super(config, true, numLabels, rng);
  }

  @Override
  Tensor classifierInput(Tensor hidden) {
    return bert().pool(hidden);
  }
}
