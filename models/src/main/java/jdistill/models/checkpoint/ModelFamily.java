package jdistill.models.checkpoint;

import jdistill.engine.Rng;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.TransformerConfig;

/** The model classes a checkpoint folder can hold, with their Hugging Face architecture names. */
public enum ModelFamily {
  GPT2_LM("GPT2LMHeadModel"),
  BERT("BertModel"),
  BERT_MASKED_LM("BertForMaskedLM"),
  BERT_SEQUENCE_CLASSIFICATION("BertForSequenceClassification"),
  BERT_TOKEN_CLASSIFICATION("BertForTokenClassification");

  private final String architecture;

  ModelFamily(String architecture) {
    this.architecture = architecture;
  }

  /** HF's class name, written to config.json's "architectures". */
  public String architecture() {
    return architecture;
  }

  public boolean isGpt2() {
    return this == GPT2_LM;
  }

  /** True for the BERT task heads, whose encoder is registered as "bert". */
  public boolean hasBertPrefix() {
    return this == BERT_MASKED_LM || this == BERT_SEQUENCE_CLASSIFICATION || this == BERT_TOKEN_CLASSIFICATION;
  }

  /** A freshly initialised model of this family ({@code numLabels} only for the classifiers). */
  public Module create(TransformerConfig config, int numLabels, Rng rng) {
    return switch (this) {
      case GPT2_LM -> new Gpt2(config, rng);
      case BERT -> new Bert(config, true, rng);
      case BERT_MASKED_LM -> new BertForMaskedLm(config, rng);
      case BERT_SEQUENCE_CLASSIFICATION -> new BertForSequenceClassification(config, numLabels, rng);
      case BERT_TOKEN_CLASSIFICATION -> new BertForTokenClassification(config, numLabels, rng);
    };
  }

  /** The family of a model instance, or an error for other modules. */
  public static ModelFamily of(Module model) {
    if (model instanceof Gpt2) return GPT2_LM;
    if (model instanceof Bert) return BERT;
    if (model instanceof BertForMaskedLm) return BERT_MASKED_LM;
    if (model instanceof BertForSequenceClassification) return BERT_SEQUENCE_CLASSIFICATION;
    if (model instanceof BertForTokenClassification) return BERT_TOKEN_CLASSIFICATION;
    throw new IllegalArgumentException("no checkpoint family for " + model.getClass().getName());
  }

  /** The family for an HF model_type and architecture name (architecture may be null). */
  public static ModelFamily fromHf(String modelType, String architecture) {
    if ("gpt2".equals(modelType)) return GPT2_LM;
    if ("bert".equals(modelType)) {
      if (architecture == null) return BERT;
      return switch (architecture) {
        case "BertForMaskedLM", "BertForPreTraining" -> BERT_MASKED_LM;
        case "BertForSequenceClassification" -> BERT_SEQUENCE_CLASSIFICATION;
        case "BertForTokenClassification" -> BERT_TOKEN_CLASSIFICATION;
        default -> BERT;
      };
    }
    throw new IllegalArgumentException("unsupported model_type '" + modelType + "': expected gpt2 or bert");
  }
}
