package jdistill.distill.core;

import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/** Adapters from the model classes to {@link DistillModel}. */
public final class DistillModels {

  private DistillModels() {}

  /** GPT-2 with its LM head: logits [B, S, V]. */
  public static DistillModel of(Gpt2 model) {
    return new DistillModel() {
      @Override
      public Module module() {
        return model;
      }

      @Override
      public TransformerConfig config() {
        return model.config();
      }

      @Override
      public ModelOutput forward(Batch batch, TapRecorder taps) {
        boolean wantsHidden = taps.wants(Tap.FINAL_HIDDEN, 0);
        if (!wantsHidden) taps.request(Tap.FINAL_HIDDEN);
        Tensor logits = model.forward(batch.inputIds(), batch.attentionMask(), null, null, taps);
        return new ModelOutput(logits, taps.get(Tap.FINAL_HIDDEN), taps);
      }
    };
  }

  /** BERT with a sequence classification (or regression) head: logits [B, labels]. */
  public static DistillModel of(BertForSequenceClassification model) {
    return bert(model, model.config(), (b, t) -> model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t));
  }

  /** BERT with the masked-LM head: logits [B, S, V]. */
  public static DistillModel of(BertForMaskedLm model) {
    return bert(model, model.bert().config(), (b, t) -> model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t));
  }

  /** BERT with a token classification head: logits [B, S, labels]. */
  public static DistillModel of(BertForTokenClassification model) {
    return bert(model, model.bert().config(), (b, t) -> model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t));
  }

  /** The bare BERT encoder (sentence embeddings): no logits, the last hidden state only. */
  public static DistillModel of(Bert model) {
    return bert(model, model.config(), (b, t) -> new ModelOutput(null, model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t), t));
  }

  private interface Forward {
    ModelOutput apply(Batch batch, TapRecorder taps);
  }

  private static DistillModel bert(Module module, TransformerConfig config, Forward forward) {
    return new DistillModel() {
      @Override
      public Module module() {
        return module;
      }

      @Override
      public TransformerConfig config() {
        return config;
      }

      @Override
      public ModelOutput forward(Batch batch, TapRecorder taps) {
        return forward.apply(batch, taps);
      }
    };
  }
}
