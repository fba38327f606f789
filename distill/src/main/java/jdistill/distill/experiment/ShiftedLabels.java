package jdistill.distill.experiment;

import jdistill.distill.core.Batch;
import jdistill.distill.data.BatchSource;
import jdistill.distill.data.DataPosition;
import jdistill.distill.data.MlmMasking;
import jdistill.engine.Tensor;

/**
 * Causal-LM labels aligned with the logits. The data pipeline's causal-LM batches carry the input
 * ids as labels (-100 at padding); the methods and metrics expect {@code labels[b, s]} to be the
 * target of {@code logits[b, s]}, i.e. the next token. This shifts them one position left and ends
 * every row with -100.
 */
final class ShiftedLabels {

  private ShiftedLabels() {}

  /** {@code batch} with labels {@code [b, s] = labels[b, s + 1]}, and -100 at the last position. */
  static Batch shift(Batch batch) {
    Tensor labels = batch.labels();
    if (labels == null || labels.rank() != 2) throw new IllegalArgumentException("causal LM batches need token labels [B, S]");
    int b = labels.shape(0);
    int s = labels.shape(1);
    long[] in = labels.toLongArray();
    long[] out = new long[in.length];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < s; j++) out[i * s + j] = j + 1 < s ? in[i * s + j + 1] : MlmMasking.IGNORE;
    }
    return new Batch(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds(), Tensor.ofLongs(out, b, s).to(labels.device()));
  }

  /** A source whose batches are {@link #shift shifted}. */
  static BatchSource source(BatchSource inner) {
    return new BatchSource() {
      @Override
      public Batch next() {
        return shift(inner.next());
      }

      @Override
      public DataPosition position() {
        return inner.position();
      }

      @Override
      public void restore(DataPosition position) {
        inner.restore(position);
      }

      @Override
      public int batchesPerEpoch() {
        return inner.batchesPerEpoch();
      }
    };
  }
}
