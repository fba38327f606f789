package jdistill.distill.data;

import java.util.List;
import jdistill.distill.core.Batch;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;

/**
 * Pads encoded examples into a {@link Batch}: right padding to the longest example in the batch
 * (rounded up to {@code padMultiple}), attention mask 1 on tokens and 0 on padding, segment ids
 * when {@code tokenTypes}, and labels as the {@link Task} wants them. All tensors are CPU; ids,
 * masks and token labels are I64, regression targets F32. Truncation happens before, in
 * {@link ExampleEncoder} or {@link LmChunker}.
 */
public final class BatchBuilder {

  private final Task task;
  private final TextEncoder encoder;
  private final boolean tokenTypes;
  private final MlmMasking masking;
  private final int padMultiple;

  /**
   * @param tokenTypes whether batches carry segment ids (BERT) or null (GPT-2)
   * @param masking the masking of {@link Task#MASKED_LM}; ignored by the other tasks
   * @param padMultiple pad the length up to a multiple of this (1 for none, 8 for tensor cores)
   */
  public BatchBuilder(Task task, TextEncoder encoder, boolean tokenTypes, MlmMasking masking, int padMultiple) {
    if (task == Task.MASKED_LM && masking == null) throw new IllegalArgumentException("masked language modelling needs a masking");
    if (task == Task.MASKED_LM && encoder.maskId() == TextEncoder.NONE) {
      throw new IllegalArgumentException("masked language modelling needs a [MASK] token; the encoder has none");
    }
    if (padMultiple < 1) throw new IllegalArgumentException("pad multiple must be >= 1, got " + padMultiple);
    this.task = task;
    this.encoder = encoder;
    this.tokenTypes = tokenTypes;
    this.masking = masking;
    this.padMultiple = padMultiple;
  }

  /** A builder with BERT masking (used only for MLM) and no rounding of the length. */
  public BatchBuilder(Task task, TextEncoder encoder, boolean tokenTypes) {
    this(task, encoder, tokenTypes, MlmMasking.bert(), 1);
  }

  public Task task() {
    return task;
  }

  /**
   * The batch of {@code examples}; {@code seed} drives MLM masking only, so one seed gives one
   * batch.
   */
  public Batch build(List<EncodedExample> examples, long seed) {
    int b = examples.size();
    if (b == 0) throw new IllegalArgumentException("a batch needs at least one example");
    int longest = 0;
    for (EncodedExample e : examples) longest = Math.max(longest, e.length());
    int s = (longest + padMultiple - 1) / padMultiple * padMultiple;
    long[] ids = new long[b * s];
    long[] mask = new long[b * s];
    long[] types = tokenTypes ? new long[b * s] : null;
    java.util.Arrays.fill(ids, encoder.padId());
    for (int i = 0; i < b; i++) {
      EncodedExample e = examples.get(i);
      int[] eIds = e.ids();
      int[] eTypes = e.typeIds();
      for (int j = 0; j < eIds.length; j++) {
        ids[i * s + j] = eIds[j];
        mask[i * s + j] = 1;
        if (types != null) types[i * s + j] = eTypes[j];
      }
    }
    Tensor labels = switch (task) {
      case SEQUENCE_CLASSIFICATION -> classLabels(examples);
      case REGRESSION -> scores(examples);
      case CAUSAL_LM -> {
        long[] l = new long[b * s];
        for (int k = 0; k < l.length; k++) l[k] = mask[k] == 0 ? MlmMasking.IGNORE : ids[k];
        yield Tensor.ofLongs(l, b, s);
      }
      case MASKED_LM -> {
        long[] l = new long[b * s];
        masking.apply(ids, mask, l, encoder, new Rng(seed));
        yield Tensor.ofLongs(l, b, s);
      }
      case NONE -> null;
    };
    return new Batch(Tensor.ofLongs(ids, b, s), Tensor.ofLongs(mask, b, s), types == null ? null : Tensor.ofLongs(types, b, s), labels);
  }

  private static Tensor classLabels(List<EncodedExample> examples) {
    long[] l = new long[examples.size()];
    for (int i = 0; i < l.length; i++) {
      int label = examples.get(i).label();
      if (label == Example.NO_LABEL) throw new IllegalArgumentException("example " + i + " of the batch has no label; sequence classification needs one");
      l[i] = label;
    }
    return Tensor.ofLongs(l, l.length);
  }

  private static Tensor scores(List<EncodedExample> examples) {
    float[] l = new float[examples.size()];
    for (int i = 0; i < l.length; i++) {
      float v = examples.get(i).score();
      if (Float.isNaN(v)) throw new IllegalArgumentException("example " + i + " of the batch has no score; regression needs one");
      l[i] = v;
    }
    return Tensor.of(l, l.length);
  }
}
