package jdistill.models.checkpoint;

import jdistill.models.transformer.TransformerConfig;

/**
 * What config.json says about a checkpoint's model: its family, shape, and label count (for the
 * classifiers; 0 otherwise).
 */
public record ModelSpec(ModelFamily family, TransformerConfig config, int numLabels) {

  public ModelSpec {
    if (family == null || config == null) throw new IllegalArgumentException("a model spec needs a family and a config");
    boolean classifier = family == ModelFamily.BERT_SEQUENCE_CLASSIFICATION || family == ModelFamily.BERT_TOKEN_CLASSIFICATION;
    if (classifier && numLabels <= 0) throw new IllegalArgumentException(family + " needs a positive number of labels, got " + numLabels);
  }
}
