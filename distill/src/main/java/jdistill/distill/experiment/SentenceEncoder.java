package jdistill.distill.experiment;

import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.config.TaskConfig;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * A BERT encoder seen as a sentence-embedding model: its output's "logits" are the pooled sentence
 * vectors [B, H] (mean over the non-padding tokens, or the [CLS] state), its last hidden state and
 * taps as usual. So {@code kd} with {@code loss: logit_mse} distils the embeddings directly, and the
 * hidden-state and attention methods work as on any encoder.
 */
final class SentenceEncoder implements DistillModel {

  private final Bert bert;
  private final TaskConfig.Pooling pooling;

  SentenceEncoder(Bert bert, TaskConfig.Pooling pooling) {
    this.bert = bert;
    this.pooling = pooling;
  }

  @Override
  public Module module() {
    return bert;
  }

  @Override
  public TransformerConfig config() {
    return bert.config();
  }

  @Override
  public ModelOutput forward(Batch batch, TapRecorder taps) {
    Tensor hidden = bert.forward(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds(), taps);
    return new ModelOutput(pool(hidden, batch.attentionMask(), pooling), hidden, taps);
  }

  /** Sentence vectors [B, H] from hidden states [B, S, H] and the attention mask [B, S] (null: all tokens). */
  static Tensor pool(Tensor hidden, Tensor attentionMask, TaskConfig.Pooling pooling) {
    if (pooling == TaskConfig.Pooling.CLS) return hidden.select(1, 0);
    if (attentionMask == null) return hidden.mean(1, false);
    Tensor m = attentionMask.detach().to(hidden.dtype()).to(hidden.device()).unsqueeze(-1);
    Tensor counts = m.sum(1, false).clamp(1, Double.MAX_VALUE);
    return hidden.mul(m).sum(1, false).div(counts);
  }
}
