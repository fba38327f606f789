package jdistill.distill.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingTest {

  private static String words(int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(" t").append(from + i);
    return sb.toString();
  }

  @Test
  void bertLayoutOfASingleTextAndAPair() {
    WordEncoder enc = WordEncoder.bert(100);
    EncodedText one = enc.encode("t0 t1");
    assertArrayEquals(new int[] {1, 5, 6, 2}, one.ids());
    assertArrayEquals(new int[] {0, 0, 0, 0}, one.typeIds());
    EncodedText two = enc.encode("t0 t1", "t2");
    assertArrayEquals(new int[] {1, 5, 6, 2, 7, 2}, two.ids());
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1}, two.typeIds());
    WordEncoder gpt = WordEncoder.gpt2(100);
    assertArrayEquals(new int[] {5, 6, 7}, gpt.encode("t0 t1", "t2").ids());
    assertArrayEquals(new int[] {0, 0, 1}, gpt.encode("t0 t1", "t2").typeIds());
  }

  @Test
  void singleTextLosesItsTail() {
    ExampleEncoder e = new ExampleEncoder(WordEncoder.bert(100), 6);
    EncodedExample x = e.encode(new Example(words(0, 10), null, 1, Float.NaN));
    assertArrayEquals(new int[] {1, 5, 6, 7, 8, 2}, x.ids());
    assertEquals(1, x.label());
    EncodedExample shortOne = e.encode(Example.unlabelled("t3"));
    assertArrayEquals(new int[] {1, 8, 2}, shortOne.ids());
  }

  @Test
  void pairsAreTruncatedLongestFirst() {
    // hand-worked: 7 + 3 into 7 -> a 6, 5, 4 -> (4, 3); 5 + 5 into 7 -> b 4, a 4, b 3 -> (4, 3)
    assertArrayEquals(new int[] {4, 3}, ExampleEncoder.longestFirst(7, 3, 7));
    assertArrayEquals(new int[] {4, 3}, ExampleEncoder.longestFirst(5, 5, 7));
    assertArrayEquals(new int[] {2, 5}, ExampleEncoder.longestFirst(2, 9, 7));
    assertArrayEquals(new int[] {2, 3}, ExampleEncoder.longestFirst(2, 3, 7));
    ExampleEncoder e = new ExampleEncoder(WordEncoder.bert(100), 10);
    EncodedExample x = e.encode(new Example(words(0, 7), words(50, 3), Example.NO_LABEL, 0.5f));
    assertArrayEquals(new int[] {1, 5, 6, 7, 8, 2, 55, 56, 57, 2}, x.ids());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, x.typeIds());
    assertEquals(0.5f, x.score());
  }

  @Test
  void tooShortMaxLengthAndEmptyTextsFail() {
    assertEquals("max length 4 leaves no room for text; it must be at least 5",
        assertThrows(IllegalArgumentException.class, () -> new ExampleEncoder(WordEncoder.bert(10), 4)).getMessage());
    ExampleEncoder e = new ExampleEncoder(WordEncoder.gpt2(10), 8);
    assertEquals("example 1: the text ' ' has no tokens",
        assertThrows(IllegalArgumentException.class, () -> e.encodeAll(List.of(Example.unlabelled("t1"), Example.unlabelled(" ")))).getMessage());
  }

  @Test
  void lmWindowsJoinDocumentsWithEosAndCutAtTheBlockSize() {
    LmChunker gpt = new LmChunker(WordEncoder.gpt2(100), 4, false);
    List<EncodedExample> w = gpt.chunk(List.of("t0 t1 t2", "t3 t4", "t5"));
    // stream: 5 6 7 eos 8 9 eos 10 eos  (eos = 2)
    assertEquals(3, w.size());
    assertArrayEquals(new int[] {5, 6, 7, 2}, w.get(0).ids());
    assertArrayEquals(new int[] {8, 9, 2, 10}, w.get(1).ids());
    assertArrayEquals(new int[] {2}, w.get(2).ids());
    assertEquals(2, new LmChunker(WordEncoder.gpt2(100), 4, true).chunk(List.of("t0 t1 t2", "t3 t4", "t5")).size());
    LmChunker bert = new LmChunker(WordEncoder.bert(100), 5, false);
    List<EncodedExample> b = bert.chunk(List.of("t0 t1", "t2 t3 t4"));
    // stream: 5 6 sep 7 8 9 sep, windows of 3 wrapped in [CLS] ... [SEP]
    assertArrayEquals(new int[] {1, 5, 6, 2, 2}, b.get(0).ids());
    assertArrayEquals(new int[] {1, 7, 8, 9, 2}, b.get(1).ids());
    assertArrayEquals(new int[] {1, 2, 2}, b.get(2).ids());
  }
}
