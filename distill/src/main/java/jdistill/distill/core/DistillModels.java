package jdistill.distill.core;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertHeadModel;
import jdistill.models.bert.BertLayer;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.gpt2.Gpt2Block;
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
        wantHidden(taps);
        Tensor logits = model.forward(batch.inputIds(), batch.attentionMask(), null, null, taps);
        return new ModelOutput(logits, taps.get(Tap.FINAL_HIDDEN), taps);
      }

      @Override
      public Tensor embedTokens(Tensor ids) {
        return model.embedTokens(ids);
      }

      @Override
      public ModelOutput forwardEmbeddings(Batch batch, Tensor embeds, TapRecorder taps) {
        wantHidden(taps);
        Tensor logits = model.forwardEmbeds(embeds, batch.attentionMask(), null, null, taps);
        return new ModelOutput(logits, taps.get(Tap.FINAL_HIDDEN), taps);
      }

      @Override
      public List<Gpt2Block> blocks() {
        return model.blocks().asList();
      }

      @Override
      public ModelOutput forwardWithBlocks(Batch batch, List<? extends Module> blocks, TapRecorder taps) {
        wantHidden(taps);
        Tensor logits = model.forwardWithBlocks(batch.inputIds(), batch.attentionMask(), cast(blocks, Gpt2Block.class, "GPT-2"), taps);
        return new ModelOutput(logits, taps.get(Tap.FINAL_HIDDEN), taps);
      }
    };
  }

  private static void wantHidden(TapRecorder taps) {
    if (!taps.wants(Tap.FINAL_HIDDEN, 0)) taps.request(Tap.FINAL_HIDDEN);
  }

  /**
   * BERT with a task head: sequence classification or regression (logits [B, labels]), masked LM
   * (logits [B, S, V]) or token classification (logits [B, S, labels]).
   */
  public static DistillModel of(BertHeadModel model) {
    return bert(model, model.bert(), new BertHead() {
      @Override
      public ModelOutput forward(Batch b, TapRecorder t) {
        return model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t);
      }

      @Override
      public ModelOutput forwardEmbeds(Batch b, Tensor e, TapRecorder t) {
        return model.forwardEmbeds(e, b.attentionMask(), b.tokenTypeIds(), t);
      }

      @Override
      public ModelOutput forwardWithLayers(Batch b, List<BertLayer> layers, TapRecorder t) {
        return model.forwardWithLayers(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), layers, t);
      }
    });
  }

  /** The bare BERT encoder (sentence embeddings): no logits, the last hidden state only. */
  public static DistillModel of(Bert model) {
    return bert(model, model, new BertHead() {
      @Override
      public ModelOutput forward(Batch b, TapRecorder t) {
        return new ModelOutput(null, model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), t), t);
      }

      @Override
      public ModelOutput forwardEmbeds(Batch b, Tensor e, TapRecorder t) {
        return new ModelOutput(null, model.forwardEmbeds(e, b.attentionMask(), b.tokenTypeIds(), t), t);
      }

      @Override
      public ModelOutput forwardWithLayers(Batch b, List<BertLayer> layers, TapRecorder t) {
        return new ModelOutput(null, model.forwardWithLayers(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), layers, t), t);
      }
    });
  }

  /** One BERT model's forward passes: from ids, from word embeddings, with replaced layers. */
  private interface BertHead {
    ModelOutput forward(Batch batch, TapRecorder taps);

    ModelOutput forwardEmbeds(Batch batch, Tensor embeds, TapRecorder taps);

    ModelOutput forwardWithLayers(Batch batch, List<BertLayer> layers, TapRecorder taps);
  }

  private static DistillModel bert(Module module, Bert encoder, BertHead head) {
    return new DistillModel() {
      @Override
      public Module module() {
        return module;
      }

      @Override
      public TransformerConfig config() {
        return encoder.config();
      }

      @Override
      public ModelOutput forward(Batch batch, TapRecorder taps) {
        return head.forward(batch, taps);
      }

      @Override
      public Tensor embedTokens(Tensor ids) {
        return encoder.embedTokens(ids);
      }

      @Override
      public ModelOutput forwardEmbeddings(Batch batch, Tensor embeds, TapRecorder taps) {
        return head.forwardEmbeds(batch, embeds, taps);
      }

      @Override
      public List<BertLayer> blocks() {
        return encoder.layers().asList();
      }

      @Override
      public ModelOutput forwardWithBlocks(Batch batch, List<? extends Module> blocks, TapRecorder taps) {
        return head.forwardWithLayers(batch, cast(blocks, BertLayer.class, "BERT"), taps);
      }
    };
  }

  /** The blocks as {@code type}, or an error naming the first block of another family. */
  private static <B extends Module> List<B> cast(List<? extends Module> blocks, Class<B> type, String family) {
    List<B> out = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      Module m = blocks.get(i);
      if (!type.isInstance(m)) {
        throw new IllegalArgumentException("block " + i + " is a " + (m == null ? "null" : m.getClass().getSimpleName()) + ", but a " + family + " model runs only " + type.getSimpleName()
            + " blocks; teacher and student must be of one family to swap blocks");
      }
      out.add(type.cast(m));
    }
    return out;
  }
}
