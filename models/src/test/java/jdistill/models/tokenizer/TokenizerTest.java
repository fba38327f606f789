package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facade's own behavior: batches, unpaired surrogates, UTF-16 offsets, added-token ids. */
class TokenizerTest {
  static Tokenizer bert;

  @BeforeAll
  static void load() throws Exception {
    bert = TokenizerJson.parse(HfReference.miniLmJson(), "minilm").withPadding(null).withTruncation(null);
  }

  @Test
  void largeBatchesEqualSingleEncodings() {
    List<String> lines = TestCorpus.lines(8L, 300);
    List<Encoding> batch = bert.encodeBatch(lines, true);
    for (int i = 0; i < lines.size(); i++) assertEquals(bert.encode(lines.get(i)), batch.get(i));
    List<Encoding> pairs = bert.encodeBatchPairs(lines, lines.reversed(), false);
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(bert.encode(lines.get(i), lines.get(lines.size() - 1 - i), false), pairs.get(i));
    }
    Tokenizer padded = bert.withPadding(Padding.batchLongest(0, "[PAD]"));
    List<Encoding> p = padded.encodeBatch(lines, true);
    int longest = batch.stream().mapToInt(Encoding::length).max().orElseThrow();
    for (Encoding e : p) assertEquals(longest, e.length());
    assertThrows(IllegalArgumentException.class, () -> bert.encodeBatchPairs(lines, lines.subList(0, 3), true));
  }

  @Test
  void unpairedSurrogatesCountAsReplacementCharacters() {
    assertEquals(bert.encode("a\uFFFDb c\uFFFD"), bert.encode("a\uD800b c\uDC00"));
  }

  @Test
  void utf16OffsetsPointIntoTheJavaString() {
    String text = "😀 héllo 𝔘x";
    Encoding e = bert.encode(text, false);
    assertEquals(List.of("[UNK]", "hello", "[UNK]"), e.tokens());
    assertEquals(List.of(new Offset(0, 1), new Offset(2, 7), new Offset(8, 10)), e.offsets());
    List<Offset> u = e.utf16Offsets(text);
    assertEquals(List.of(new Offset(0, 2), new Offset(3, 8), new Offset(9, 12)), u);
    assertEquals("héllo", text.substring(u.get(1).start(), u.get(1).end()));
  }

  @Test
  void addedTokensOutsideTheVocabularyGetIdsAfterIt() {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String t : List.of("[UNK]", "a", "b", "##b")) vocab.put(t, vocab.size());
    Tokenizer t = new Tokenizer(null, new PreTokenizer.WhitespaceSplit(), new WordPieceModel(vocab, "[UNK]", "##", 100), null, null,
        List.of(AddedToken.special("<x>"), new AddedToken("b", false, false, false, true, false), AddedToken.special("<y>")), null, null);
    assertEquals(4, t.tokenToId("<x>"));
    assertEquals(2, t.tokenToId("b"), "already in the vocabulary");
    assertEquals(5, t.tokenToId("<y>"));
    assertEquals(6, t.vocabSize());
    assertEquals("<y>", t.idToToken(5));
    assertNull(t.idToToken(6));
    assertEquals(List.of("a", "<x>", "b", "b", "<y>"), t.encode("a<x>bb <y>").tokens());
    assertEquals("a b b", t.decode(t.encode("a<x>bb <y>").ids(), true));
    assertEquals("a <x> b b <y>", t.decode(new int[] {1, 4, 2, 2, 5, 99}, false));
  }

  @Test
  void wordsLongerThanTheLimitAreUnknown() {
    assertEquals(List.of("[UNK]"), bert.encode("a".repeat(101), false).tokens());
    assertEquals(List.of(new Offset(0, 101)), bert.encode("a".repeat(101), false).offsets());
    assertEquals(1, bert.encode("hello".repeat(20), false).tokens().stream().filter(s -> !s.startsWith("##")).count());
  }
}
