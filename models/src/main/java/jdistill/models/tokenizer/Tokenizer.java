package jdistill.models.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A text tokenizer that gives the same ids, offsets and text as Hugging Face {@code tokenizers}:
 * added tokens, then normalizer, pre-tokenizer, model (WordPiece, BPE or word-level),
 * truncation, post-processor (special tokens, type ids) and padding; a decoder for the way back.
 * Immutable and safe to share between threads.
 *
 * <p>Load one with {@link #load(Path)} (a {@code tokenizer.json}, a folder, a BERT
 * {@code vocab.txt} or GPT-2 {@code vocab.json} + {@code merges.txt}); save it with {@link #save}.
 */
public final class Tokenizer {
  private final Normalizer normalizer;
  private final PreTokenizer preTokenizer;
  private final Model model;
  private final PostProcessor postProcessor;
  private final Decoder decoder;
  private final List<AddedToken> addedTokenList;
  private final AddedVocabulary added;
  private final Truncation truncation;
  private final Padding padding;

  /**
   * Assembles a tokenizer; every part but the model may be null.
   *
   * @param addedTokens tokens matched before the model (special tokens and others), in order
   */
  public Tokenizer(Normalizer normalizer, PreTokenizer preTokenizer, Model model, PostProcessor postProcessor,
      Decoder decoder, List<AddedToken> addedTokens, Truncation truncation, Padding padding) {
    if (model == null) throw new IllegalArgumentException("a tokenizer needs a model");
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.postProcessor = postProcessor;
    this.decoder = decoder;
    this.addedTokenList = List.copyOf(addedTokens);
    this.added = new AddedVocabulary(addedTokenList, model, normalizer);
    this.truncation = truncation;
    this.padding = padding;
  }

  /** Loads a tokenizer: see {@link TokenizerFiles#load(Path)}. */
  public static Tokenizer load(Path path) throws IOException {
    return TokenizerFiles.load(path);
  }

  /** Writes this tokenizer as a {@code tokenizer.json} that HF {@code tokenizers} loads. */
  public void save(Path file) throws IOException {
    TokenizerJson.write(this, file);
  }

  /** This tokenizer as {@code tokenizer.json} text. */
  public String toJson() {
    return TokenizerJson.toJson(this);
  }

  // ---------------------------------------------------------------- parts

  /** The normalizer, or null. */
  public Normalizer normalizer() {
    return normalizer;
  }

  /** The pre-tokenizer, or null. */
  public PreTokenizer preTokenizer() {
    return preTokenizer;
  }

  /** The model. */
  public Model model() {
    return model;
  }

  /** The post-processor, or null. */
  public PostProcessor postProcessor() {
    return postProcessor;
  }

  /** The decoder, or null. */
  public Decoder decoder() {
    return decoder;
  }

  /** The added tokens as declared, in order. */
  public List<AddedToken> addedTokens() {
    return addedTokenList;
  }

  /** The added tokens with the ids they got, in id order. */
  public java.util.Map<Integer, AddedToken> addedTokensById() {
    return added.tokensById();
  }

  /** The truncation, or null. */
  public Truncation truncation() {
    return truncation;
  }

  /** The padding, or null. */
  public Padding padding() {
    return padding;
  }

  /** A copy with {@code truncation} (null for none). */
  public Tokenizer withTruncation(Truncation truncation) {
    return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokenList, truncation, padding);
  }

  /** A copy with {@code padding} (null for none). */
  public Tokenizer withPadding(Padding padding) {
    return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokenList, truncation, padding);
  }

  /** Number of ids: the model's vocabulary plus added tokens outside it. */
  public int vocabSize() {
    int n = model.vocabSize();
    for (int id : added.tokensById().keySet()) if (model.idToToken(id) == null) n++;
    return n;
  }

  /** Id of {@code token} (added tokens first), or -1. */
  public int tokenToId(String token) {
    return added.tokenToId(token, model);
  }

  /** Token of {@code id} (added tokens first), or null. */
  public String idToToken(int id) {
    AddedToken t = added.token(id);
    return t != null ? t.content() : model.idToToken(id);
  }

  // ---------------------------------------------------------------- encoding

  /** Encodes {@code text} with special tokens. */
  public Encoding encode(String text) {
    return encode(text, null, true);
  }

  /** Encodes the pair ({@code a}, {@code b}) with special tokens. */
  public Encoding encode(String a, String b) {
    return encode(a, b, true);
  }

  /** Encodes {@code a} and, when not null, {@code b} as a pair. */
  public Encoding encode(String a, String b, boolean addSpecialTokens) {
    EncodingBuilder e = process(a, b, addSpecialTokens);
    if (padding != null) padding.pad(e, padding.targetLength(e.size()));
    return e.build();
  }

  /** Encodes {@code text} with or without special tokens. */
  public Encoding encode(String text, boolean addSpecialTokens) {
    return encode(text, null, addSpecialTokens);
  }

  /** Encodes each text (in parallel for large batches) and pads them together as configured. */
  public List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
    return encodeBatchPairs(texts, null, addSpecialTokens);
  }

  /** Encodes the pairs ({@code a[i]}, {@code b[i]}); {@code b} may be null for single texts. */
  public List<Encoding> encodeBatchPairs(List<String> a, List<String> b, boolean addSpecialTokens) {
    if (b != null && b.size() != a.size()) {
      throw new IllegalArgumentException("pair batch: " + a.size() + " first texts but " + b.size() + " second texts");
    }
    EncodingBuilder[] out = new EncodingBuilder[a.size()];
    IntStream range = IntStream.range(0, a.size());
    if (a.size() >= 64) range = range.parallel();
    range.forEach(i -> out[i] = process(a.get(i), b == null ? null : b.get(i), addSpecialTokens));
    if (padding != null && out.length > 0) {
      int longest = 0;
      for (EncodingBuilder e : out) longest = Math.max(longest, e.size());
      int target = padding.targetLength(longest);
      for (EncodingBuilder e : out) padding.pad(e, target);
    }
    List<Encoding> result = new ArrayList<>(out.length);
    for (EncodingBuilder e : out) result.add(e.build());
    return result;
  }

  /** Pieces after normalization and pre-tokenization (added tokens not cut out), as training sees them. */
  public List<String> preTokenize(String text) {
    return pieces(normalizer, preTokenizer, text);
  }

  /** The pieces {@code normalizer} (may be null) and {@code preTokenizer} (may be null) make of {@code text}. */
  public static List<String> pieces(Normalizer normalizer, PreTokenizer preTokenizer, String text) {
    int[] cps = codePoints(text);
    NormalizedString s = NormalizedString.of(cps, 0, cps.length);
    if (normalizer != null) normalizer.normalize(s);
    PreTokenizedString p = new PreTokenizedString(s);
    if (preTokenizer != null) preTokenizer.preTokenize(p);
    return p.pieces();
  }

  private EncodingBuilder process(String a, String b, boolean addSpecialTokens) {
    EncodingBuilder ea = encodeSequence(a, 0);
    EncodingBuilder eb = b == null ? null : encodeSequence(b, 1);
    if (truncation != null) {
      int n = addSpecialTokens && postProcessor != null ? postProcessor.addedTokens(eb != null) : 0;
      truncation.apply(ea, eb, Math.max(0, truncation.maxLength() - n));
    }
    if (postProcessor != null) return postProcessor.process(ea, eb, addSpecialTokens);
    if (eb != null) ea.append(eb);
    return ea;
  }

  private EncodingBuilder encodeSequence(String text, int typeId) {
    PreTokenizedString p = added.extractAndNormalize(normalizer, codePoints(text));
    if (preTokenizer != null) preTokenizer.preTokenize(p);
    p.tokenize(model);
    return p.toEncoding(typeId);
  }

  /** The code points of {@code text}, unpaired surrogates replaced by U+FFFD (HF strings cannot hold them). */
  static int[] codePoints(String text) {
    int[] c = UnicodeProps.codePoints(text);
    for (int i = 0; i < c.length; i++) if (c[i] >= 0xD800 && c[i] <= 0xDFFF) c[i] = 0xFFFD;
    return c;
  }

  // ---------------------------------------------------------------- decoding

  /** The text of {@code ids}; unknown ids are skipped, special tokens too when asked. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      AddedToken t = added.token(id);
      String s = t != null ? t.content() : model.idToToken(id);
      if (s == null) continue;
      if (skipSpecialTokens && added.isSpecial(s)) continue;
      tokens.add(s);
    }
    return decoder != null ? decoder.decode(tokens) : String.join(" ", tokens);
  }

  /** Decodes each id list. */
  public List<String> decodeBatch(List<int[]> ids, boolean skipSpecialTokens) {
    List<String> out = new ArrayList<>(ids.size());
    for (int[] i : ids) out.add(decode(i, skipSpecialTokens));
    return out;
  }
}
