package jdistill.models.tokenizer;

import java.util.List;
import java.util.Map;

/** The part of a tokenizer that turns one pre-tokenized piece into vocabulary tokens. */
public sealed interface Model permits VocabularyModel {

  /** Tokens for {@code piece}, with code point offsets into it. */
  List<Token> tokenize(String piece);

  /** Id of {@code token}, or -1 when it is not in the vocabulary. */
  int tokenToId(String token);

  /** Token of {@code id}, or null when no token has that id. */
  String idToToken(int id);

  /** Number of entries of the vocabulary. */
  int vocabSize();

  /** The vocabulary, token to id (unmodifiable). */
  Map<String, Integer> vocab();

  /** The vocabulary tokens ordered by id (index = id; null where an id is unused). */
  static String[] reverse(Map<String, Integer> vocab) {
    int max = -1;
    for (int id : vocab.values()) max = Math.max(max, id);
    String[] r = new String[max + 1];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) r[e.getValue()] = e.getKey();
    return r;
  }
}
