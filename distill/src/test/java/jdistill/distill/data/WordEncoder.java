package jdistill.distill.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test encoder: words split on whitespace. A word "t&lt;n&gt;" is id n + 5 (so tests can write
 * token ids directly), a listed vocabulary word gets its own id after those, anything else is
 * [UNK]. BERT layout ([PAD]=0, [CLS]=1, [SEP]=2, [MASK]=3, [UNK]=4) or GPT-2 layout (no
 * CLS/SEP/MASK, eos=2, pad=0).
 */
final class WordEncoder implements TextEncoder {

  static final int PAD = 0, CLS = 1, SEP = 2, MASK = 3, UNK = 4, FIRST = 5;

  private final boolean bert;
  private final int vocabSize;
  private final Map<String, Integer> words = new HashMap<>();

  WordEncoder(boolean bert, int numbered, List<String> vocabulary) {
    this.bert = bert;
    for (String w : vocabulary) words.put(w, FIRST + numbered + words.size());
    this.vocabSize = FIRST + numbered + words.size();
  }

  static WordEncoder bert(int numbered) {
    return new WordEncoder(true, numbered, List.of());
  }

  static WordEncoder gpt2(int numbered) {
    return new WordEncoder(false, numbered, List.of());
  }

  @Override
  public int[] tokenize(String text) {
    String s = text.strip();
    if (s.isEmpty()) return new int[0];
    String[] parts = s.split("\\s+");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String w = parts[i];
      Integer id = words.get(w);
      if (id != null) ids[i] = id;
      else if (w.matches("t\\d+") && Integer.parseInt(w.substring(1)) + FIRST < vocabSize) ids[i] = FIRST + Integer.parseInt(w.substring(1));
      else ids[i] = UNK;
    }
    return ids;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int padId() {
    return PAD;
  }

  @Override
  public int clsId() {
    return bert ? CLS : NONE;
  }

  @Override
  public int sepId() {
    return bert ? SEP : NONE;
  }

  @Override
  public int maskId() {
    return bert ? MASK : NONE;
  }

  @Override
  public int eosId() {
    return bert ? NONE : SEP;
  }
}
