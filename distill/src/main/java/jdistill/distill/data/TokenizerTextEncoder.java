package jdistill.distill.data;

import jdistill.models.tokenizer.Tokenizer;

/**
 * The data pipeline's view of a {@link Tokenizer}: ids without special tokens (truncation and
 * padding are the pipeline's job, so the tokenizer's own settings are switched off), and the
 * special tokens looked up by their conventional names: [CLS], [SEP], [MASK], [PAD] for
 * WordPiece vocabularies, {@code <|endoftext|>} for byte-level BPE (which then also pads).
 */
public final class TokenizerTextEncoder implements TextEncoder {

  private final Tokenizer tokenizer;
  private final int cls;
  private final int sep;
  private final int mask;
  private final int eos;
  private final int pad;

  public TokenizerTextEncoder(Tokenizer tokenizer) {
    this.tokenizer = tokenizer.withTruncation(null).withPadding(null);
    this.cls = id("[CLS]");
    this.sep = id("[SEP]");
    this.mask = id("[MASK]");
    this.eos = id("<|endoftext|>");
    int padToken = id("[PAD]");
    this.pad = padToken != NONE ? padToken : eos != NONE ? eos : 0;
  }

  private int id(String token) {
    int i = tokenizer.tokenToId(token);
    return i < 0 ? NONE : i;
  }

  /** The wrapped tokenizer (without truncation and padding). */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public int[] tokenize(String text) {
    return tokenizer.encode(text, false).ids();
  }

  @Override
  public int vocabSize() {
    return tokenizer.vocabSize();
  }

  @Override
  public int padId() {
    return pad;
  }

  @Override
  public int clsId() {
    return cls;
  }

  @Override
  public int sepId() {
    return sep;
  }

  @Override
  public int maskId() {
    return mask;
  }

  @Override
  public int eosId() {
    return eos;
  }
}
