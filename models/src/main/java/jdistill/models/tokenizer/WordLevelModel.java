package jdistill.models.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One token per piece: the piece itself when in the vocabulary, else the unknown token. */
public final class WordLevelModel implements Model {
  private final Map<String, Integer> vocab;
  private final String[] reverse;
  private final String unkToken;

  /** A word-level model over {@code vocab} with unknown token {@code unkToken}. */
  public WordLevelModel(Map<String, Integer> vocab, String unkToken) {
    this.vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
    this.reverse = Model.reverse(vocab);
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

  @Override
  public int tokenToId(String token) {
    Integer id = vocab.get(token);
    return id == null ? -1 : id;
  }

  @Override
  public String idToToken(int id) {
    return id >= 0 && id < reverse.length ? reverse[id] : null;
  }

  @Override
  public int vocabSize() {
    return vocab.size();
  }

  @Override
  public Map<String, Integer> vocab() {
    return vocab;
  }
}
