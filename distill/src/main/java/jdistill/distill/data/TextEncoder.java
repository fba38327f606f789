package jdistill.distill.data;

/**
 * What the data pipeline needs from a tokenizer: text to ids without special tokens, the ids of
 * the special tokens, and the layout that puts them around one or two segments. Keeping the
 * special tokens out of {@link #tokenize} lets {@link ExampleEncoder} truncate a pair longest-first
 * before the layout is applied, and lets {@link LmChunker} join documents itself.
 *
 * <p>Adapter for {@code jdistill.models.tokenizer.Tokenizer} (to be written where both meet):
 * {@code tokenize(text)} returns the ids of {@code tokenizer.encode(text)} with special tokens
 * left out (or the ids with the added [CLS]/[SEP] stripped); {@code vocabSize()} is the
 * tokenizer's vocabulary size; {@code clsId/sepId/maskId/padId} look up {@code [CLS]},
 * {@code [SEP]}, {@code [MASK]}, {@code [PAD]} for WordPiece; for byte-level BPE (GPT-2)
 * {@code eosId} is {@code <|endoftext|>}, {@code clsId}, {@code sepId} and {@code maskId} are
 * {@link #NONE}, and {@code padId} is the eos id (padding is masked out, so its value is never
 * read). The default {@link #encode(String, String)} layout then matches HF's for both families.
 */
public interface TextEncoder {

  /** Returned by the special-token methods when the vocabulary has no such token. */
  int NONE = -1;

  /** Ids of {@code text} with no special tokens added. */
  int[] tokenize(String text);

  /** Number of ids the model's embedding table has; random MLM replacements are drawn below it. */
  int vocabSize();

  /** Id written into padded positions (masked out by the attention mask). */
  int padId();

  /** Id of the classification token put first ([CLS]), or {@link #NONE}. */
  default int clsId() {
    return NONE;
  }

  /** Id of the segment separator ([SEP]), or {@link #NONE}. */
  default int sepId() {
    return NONE;
  }

  /** Id of the mask token used by masked language modelling ([MASK]), or {@link #NONE}. */
  default int maskId() {
    return NONE;
  }

  /** Id that ends a document in causal language modelling ({@code <|endoftext|>}), or {@link #NONE}. */
  default int eosId() {
    return NONE;
  }

  /** True when {@code id} is one of the layout's special tokens (never masked by MLM). */
  default boolean isSpecial(int id) {
    return id != NONE && (id == clsId() || id == sepId() || id == eosId());
  }

  /** Ids and segment ids of one text with the model's special tokens. */
  default EncodedText encode(String text) {
    return assemble(tokenize(text), null);
  }

  /** Ids and segment ids of a text pair with the model's special tokens. */
  default EncodedText encode(String text, String pair) {
    return assemble(tokenize(text), pair == null ? null : tokenize(pair));
  }

  /** How many special tokens {@link #assemble} adds for one segment or a pair. */
  default int specialTokenCount(boolean pair) {
    int n = (clsId() != NONE ? 1 : 0) + (sepId() != NONE ? 1 : 0);
    if (pair && sepId() != NONE) n++;
    return n;
  }

  /**
   * Puts the special tokens around already tokenised segments: {@code [CLS] a [SEP] b [SEP]}, each
   * special token present only when the vocabulary has it (so {@code a b} for GPT-2). Segment ids
   * are 0 up to and including the first [SEP] and 1 after it.
   *
   * @param b the second segment, or null for a single text
   */
  default EncodedText assemble(int[] a, int[] b) {
    int cls = clsId();
    int sep = sepId();
    int n = a.length + (b == null ? 0 : b.length) + specialTokenCount(b != null);
    int[] ids = new int[n];
    int[] types = new int[n];
    int k = 0;
    if (cls != NONE) ids[k++] = cls;
    for (int id : a) ids[k++] = id;
    if (sep != NONE) ids[k++] = sep;
    if (b != null) {
      for (int id : b) {
        types[k] = 1;
        ids[k++] = id;
      }
      if (sep != NONE) {
        types[k] = 1;
        ids[k++] = sep;
      }
    }
    return new EncodedText(ids, types);
  }
}
