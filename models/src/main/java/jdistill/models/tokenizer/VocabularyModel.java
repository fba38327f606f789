package jdistill.models.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vocabulary the tokenizer models share: an unmodifiable copy of token to id and its reverse
 * (index = id), with the {@link Model} lookups over them.
 */
abstract sealed class VocabularyModel implements Model permits WordPieceModel, BpeModel, WordLevelModel {
  /** Token to id, unmodifiable, in the order given. */
  final Map<String, Integer> vocab;
  /** Tokens by id (null where an id is unused). */
  final String[] reverse;

  VocabularyModel(Map<String, Integer> vocab) {
    this.vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
    this.reverse = Model.reverse(vocab);
  }

  @Override
  public final int tokenToId(String token) {
    Integer id = vocab.get(token);
    return id == null ? -1 : id;
  }

  @Override
  public final String idToToken(int id) {
    return id >= 0 && id < reverse.length ? reverse[id] : null;
  }

  @Override
  public final int vocabSize() {
    return vocab.size();
  }

  @Override
  public final Map<String, Integer> vocab() {
    return vocab;
  }
}
