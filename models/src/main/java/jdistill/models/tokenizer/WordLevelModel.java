package jdistill.models.tokenizer;

import java.util.List;
import java.util.Map;

/** One token per piece: the piece itself when in the vocabulary, else the unknown token. */
public final class WordLevelModel extends VocabularyModel {
  private final String unkToken;

  /** A word-level model over {@code vocab} with unknown token {@code unkToken}. */
  public WordLevelModel(Map<String, Integer> vocab, String unkToken) {
    super(vocab);
    this.unkToken = unkToken;
  }

  /** The unknown token. */
  public String unkToken() {
    return unkToken;
  }

  @Override
  public List<Token> tokenize(String piece) {
    int n = piece.codePointCount(0, piece.length());
    Integer id = vocab.get(piece);
    if (id != null) return List.of(new Token(id, piece, 0, n));
    Integer unk = vocab.get(unkToken);
    if (unk == null) {
      throw new IllegalStateException("WordLevel: '" + piece + "' is not in the vocabulary and the unknown token '"
          + unkToken + "' is not either");
    }
    return List.of(new Token(unk, unkToken, 0, n));
  }
}
