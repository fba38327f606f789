package jdistill.models.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Trains a GPT-2-style byte-level BPE tokenizer: the text is pre-tokenized with GPT-2's regex and
 * shown as byte characters, the alphabet is all 256 byte characters (so every text can be encoded
 * and decoded back exactly), and merges are learned by pair counts ({@link BpeTrainer}).
 *
 * @param vocabSize target vocabulary size (256 bytes and special tokens included)
 * @param minFrequency stop when the best pair occurs fewer times
 * @param specialTokens in id order, e.g. {@code <|endoftext|>}
 * @param addPrefixSpace put a space before text that does not start with one
 * @param trimOffsets leave spaces out of token offsets
 */
public record ByteLevelBpeTrainer(int vocabSize, int minFrequency, List<String> specialTokens, boolean addPrefixSpace,
    boolean trimOffsets) {

  /** GPT-2's settings with {@code <|endoftext|>}. */
  public static ByteLevelBpeTrainer gpt2(int vocabSize) {
    return new ByteLevelBpeTrainer(vocabSize, 2, List.of("<|endoftext|>"), false, false);
  }

  private ByteLevelPreTokenizer preTokenizer() {
    return new ByteLevelPreTokenizer(addPrefixSpace, true, true);
  }

  /** Trains on {@code lines}. */
  public Tokenizer train(Iterable<String> lines) {
    return train(WordCounter.count(lines, null, preTokenizer()));
  }

  /** Trains on the lines of UTF-8 {@code file}. */
  public Tokenizer train(Path file) throws IOException {
    return train(WordCounter.count(file, null, preTokenizer()));
  }

  /** Trains on word counts (pieces in byte characters, as the byte-level pre-tokenizer makes them). */
  public Tokenizer train(Map<String, Long> wordCounts) {
    BpeTrainer bpe = new BpeTrainer(vocabSize, minFrequency, specialTokens, null,
        Arrays.asList(ByteLevelAlphabet.alphabet()), null, null);
    BpeTrainer.Result r = bpe.train(wordCounts);
    List<AddedToken> added = new ArrayList<>();
    for (String s : specialTokens) added.add(AddedToken.special(s));
    return new Tokenizer(null, preTokenizer(), new BpeModel(r.vocab(), r.merges(), BpeModel.Options.gpt2()),
        new PostProcessor.ByteLevel(addPrefixSpace, trimOffsets, true), new Decoder.ByteLevel(true, true, true), added,
        null, null);
  }
}
