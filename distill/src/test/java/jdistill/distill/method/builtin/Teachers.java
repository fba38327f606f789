package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.distill.core.DistillModels;
import jdistill.engine.Rng;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/**
 * The tiny teachers of the training tests, each trained on its synthetic task on first use and
 * then shared by every test class of the run (this class owns the caches).
 */
final class Teachers {

  private Teachers() {}

  static final TransformerConfig GPT_TEACHER = new TransformerConfig(Tasks.VOCAB, 16, 0, 32, 3, 4, 64, 1e-5, Activation.GELU_TANH, 0, 0);
  static final TransformerConfig BERT_TEACHER = new TransformerConfig(Tasks.VOCAB, 16, 2, 32, 3, 4, 64, 1e-12, Activation.GELU_ERF, 0, 0);

  private static Gpt2 gpt;
  private static BertForSequenceClassification classifier;
  private static BertForMaskedLm mlm;

  /** GPT-2 (3 x 32) trained on {@link Tasks#PROGRESSIONS}. */
  static synchronized Gpt2 gpt() {
    if (gpt == null) {
      Gpt2 t = new Gpt2(GPT_TEACHER, new Rng(101));
      // the first position is a guess among 3 strides, so ~0.9 is the best possible
      double acc = Harness.pretrain(Tasks.PROGRESSIONS, DistillModels.of(t), 200, 3e-3, 1);
      assertTrue(acc > 0.75, "GPT-2 teacher accuracy " + acc);
      gpt = t;
    }
    return gpt;
  }

  /** BERT classifier (3 x 32) trained on {@link Tasks#CONTAINS_ONE}. */
  static synchronized BertForSequenceClassification classifier() {
    if (classifier == null) {
      BertForSequenceClassification t = new BertForSequenceClassification(BERT_TEACHER, 2, new Rng(102));
      double acc = Harness.pretrain(Tasks.CONTAINS_ONE, DistillModels.of(t), 120, 3e-3, 2);
      assertTrue(acc > 0.9, "BERT classifier teacher accuracy " + acc);
      classifier = t;
    }
    return classifier;
  }

  /** BERT masked LM (3 x 32) trained on {@link Tasks#MASKED_PROGRESSIONS}. */
  static synchronized BertForMaskedLm mlm() {
    if (mlm == null) {
      BertForMaskedLm t = new BertForMaskedLm(BERT_TEACHER, new Rng(103));
      // far from perfect after so few steps, but well above chance (1/11)
      double acc = Harness.pretrain(Tasks.MASKED_PROGRESSIONS, DistillModels.of(t), 200, 1e-3, 3);
      assertTrue(acc > 0.3, "BERT MLM teacher accuracy " + acc);
      mlm = t;
    }
    return mlm;
  }
}
