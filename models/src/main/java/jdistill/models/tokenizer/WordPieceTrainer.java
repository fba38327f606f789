package jdistill.models.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a BERT-style WordPiece tokenizer the way HF's {@code WordPieceTrainer} does: BPE merges
 * over words split into characters, every character after a word's first carrying {@code ##}; the
 * vocabulary (special tokens, characters, {@code ##} characters, merged pieces) becomes the
 * WordPiece vocabulary. The tokenizer gets BERT's normalizer and pre-tokenizer and, when
 * {@code [CLS]} and {@code [SEP]} are special tokens, BERT's template.
 *
 * @param vocabSize target vocabulary size (special tokens included)
 * @param minFrequency stop when the best pair occurs fewer times
 * @param specialTokens in id order; {@code [UNK]} should be one of them
 * @param lowercase lowercase and strip accents (uncased BERT)
 * @param limitAlphabet keep at most this many characters (null: all)
 */
public record WordPieceTrainer(int vocabSize, int minFrequency, List<String> specialTokens, boolean lowercase,
    Integer limitAlphabet) {

  /** BERT's special tokens, {@code [PAD]} first. */
  public static final List<String> BERT_SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  /** Uncased BERT with its special tokens and a 1000-character alphabet, like HF's defaults. */
  public static WordPieceTrainer bert(int vocabSize) {
    return new WordPieceTrainer(vocabSize, 2, BERT_SPECIAL_TOKENS, true, 1000);
  }

  /** Trains on {@code lines}. */
  public Tokenizer train(Iterable<String> lines) {
    BertNormalizer normalizer = new BertNormalizer(true, true, null, lowercase);
    return train(WordCounter.count(lines, normalizer, new PreTokenizer.Bert()));
  }

  /** Trains on the lines of UTF-8 {@code file}. */
  public Tokenizer train(Path file) throws IOException {
    BertNormalizer normalizer = new BertNormalizer(true, true, null, lowercase);
    return train(WordCounter.count(file, normalizer, new PreTokenizer.Bert()));
  }

  /** Trains on word counts (pieces as BERT's normalizer and pre-tokenizer make them). */
  public Tokenizer train(Map<String, Long> wordCounts) {
    BpeTrainer bpe = new BpeTrainer(vocabSize, minFrequency, specialTokens, limitAlphabet, List.of(), "##", null);
    Map<String, Integer> vocab = bpe.train(wordCounts).vocab();
    List<AddedToken> added = new ArrayList<>();
    for (String s : specialTokens) added.add(AddedToken.special(s));
    PostProcessor post = vocab.containsKey("[CLS]") && vocab.containsKey("[SEP]")
        ? TemplateProcessing.bert("[CLS]", vocab.get("[CLS]"), "[SEP]", vocab.get("[SEP]")) : null;
    return new Tokenizer(new BertNormalizer(true, true, null, lowercase), new PreTokenizer.Bert(),
        new WordPieceModel(vocab, "[UNK]", "##", 100), post, new Decoder.WordPiece("##", true), added, null, null);
  }
}
