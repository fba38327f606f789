package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece: greedy longest-match-first over the vocabulary, pieces after the first
 * carrying the continuing-subword prefix ({@code ##}); a word longer than
 * {@code maxInputCharsPerWord} code points, or one that cannot be covered, becomes the unknown token.
 */
public final class WordPieceModel extends VocabularyModel {
  private final String unkToken;
  private final String prefix;
  private final int maxInputCharsPerWord;
  private final int longest;

  /**
   * @param vocab token to id
   * @param unkToken the unknown token (must be in the vocabulary to tokenize unknown words)
   * @param continuingSubwordPrefix prefix of pieces that continue a word, usually {@code ##}
   * @param maxInputCharsPerWord longer words become {@code unkToken}
   */
  public WordPieceModel(Map<String, Integer> vocab, String unkToken, String continuingSubwordPrefix, int maxInputCharsPerWord) {
    super(vocab);
    this.unkToken = unkToken;
    this.prefix = continuingSubwordPrefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    int l = 0;
    for (String t : vocab.keySet()) l = Math.max(l, t.codePointCount(0, t.length()));
    this.longest = l;
  }

  /** The unknown token. */
  public String unkToken() {
    return unkToken;
  }

  /** The continuing-subword prefix. */
  public String continuingSubwordPrefix() {
    return prefix;
  }

  /** Words longer than this (in code points) become the unknown token. */
  public int maxInputCharsPerWord() {
    return maxInputCharsPerWord;
  }

  @Override
  public List<Token> tokenize(String piece) {
    int[] cps = UnicodeProps.codePoints(piece);
    int n = cps.length;
    if (n > maxInputCharsPerWord) return unk(n);
    List<Token> out = new ArrayList<>(4);
    int start = 0;
    while (start < n) {
      int end = Math.min(n, start + longest);
      Token found = null;
      while (start < end) {
        String sub = new String(cps, start, end - start);
        if (start > 0) sub = prefix + sub;
        Integer id = vocab.get(sub);
        if (id != null) {
          found = new Token(id, sub, start, end);
          break;
        }
        end--;
      }
      if (found == null) return unk(n);
      out.add(found);
      start = end;
    }
    return out;
  }

  private List<Token> unk(int n) {
    Integer id = vocab.get(unkToken);
    if (id == null) {
      throw new IllegalStateException("WordPiece: the unknown token '" + unkToken + "' is not in the vocabulary");
    }
    return List.of(new Token(id, unkToken, 0, n));
  }
}
