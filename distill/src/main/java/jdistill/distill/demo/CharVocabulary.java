package jdistill.distill.demo;

import java.util.List;
import java.util.TreeSet;

/** A character-level vocabulary built from a corpus, with id 0 reserved for padding. */
public final class CharVocabulary {

  private final String chars;

  private CharVocabulary(String chars) {
    this.chars = chars;
  }

  /** Every character of the corpus, sorted, after the padding id. */
  public static CharVocabulary of(List<String> corpus) {
    TreeSet<Character> set = new TreeSet<>();
    for (String line : corpus) for (char c : line.toCharArray()) set.add(c);
    StringBuilder sb = new StringBuilder();
    for (char c : set) sb.append(c);
    return new CharVocabulary(sb.toString());
  }

  /** Number of ids including padding. */
  public int size() {
    return chars.length() + 1;
  }

  public long id(char c) {
    int i = chars.indexOf(c);
    if (i < 0) throw new IllegalArgumentException("character '" + c + "' is not in the vocabulary");
    return i + 1;
  }
}
