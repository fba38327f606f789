package jdistill.distill.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a corpus into fixed-length token windows for language modelling. The documents are
 * tokenised and concatenated, each followed by the end-of-document token ({@code eosId}, or
 * {@code sepId} when there is no eos, or nothing when there is neither); the stream is cut into
 * windows that, with the layout's special tokens (none for GPT-2, [CLS] ... [SEP] for BERT), are
 * {@code blockSize} long. A shorter last window is kept unless {@code dropRemainder}.
 */
public final class LmChunker {

  private final TextEncoder encoder;
  private final int blockSize;
  private final boolean dropRemainder;

  public LmChunker(TextEncoder encoder, int blockSize, boolean dropRemainder) {
    if (blockSize < encoder.specialTokenCount(false) + 2) {
      throw new IllegalArgumentException("block size " + blockSize + " is too small; it must be at least " + (encoder.specialTokenCount(false) + 2));
    }
    this.encoder = encoder;
    this.blockSize = blockSize;
    this.dropRemainder = dropRemainder;
  }

  /** The windows of {@code documents}, in corpus order. */
  public List<EncodedExample> chunk(List<String> documents) {
    int separator = encoder.eosId() != TextEncoder.NONE ? encoder.eosId() : encoder.sepId();
    int[] stream = new int[1024];
    int n = 0;
    for (String doc : documents) {
      int[] ids = encoder.tokenize(doc);
      int need = n + ids.length + 1;
      if (need > stream.length) stream = Arrays.copyOf(stream, Math.max(need, stream.length * 2));
      System.arraycopy(ids, 0, stream, n, ids.length);
      n += ids.length;
      if (separator != TextEncoder.NONE) stream[n++] = separator;
    }
    int content = blockSize - encoder.specialTokenCount(false);
    List<EncodedExample> out = new ArrayList<>(n / content + 1);
    for (int start = 0; start < n; start += content) {
      int len = Math.min(content, n - start);
      if (len < content && dropRemainder) break;
      EncodedText t = encoder.assemble(Arrays.copyOfRange(stream, start, start + len), null);
      out.add(new EncodedExample(t.ids(), t.typeIds(), Example.NO_LABEL, Float.NaN));
    }
    return out;
  }
}
