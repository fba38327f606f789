package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainers: merges by hand-checked counts, tie-breaking, determinism, and HF loading the result. */
class TrainerTest {
  @TempDir Path dir;

  private static List<String> merges(BpeTrainer.Result r) {
    List<String> out = new ArrayList<>();
    for (String[] m : r.merges()) out.add(m[0] + " " + m[1]);
    return out;
  }

  @Test
  void bpeMergesMostFrequentPairsFirst() {
    // Pair counts: u-g 20, p-u 17, u-n 16, h-u 15, g-s 5, b-u 4 -> "ug"; then u-n 16 -> "un";
    // then h-ug 15 -> "hug"; then p-un 12 -> "pun"; then p-ug 5 vs hug-s 5: (p, ug) has smaller ids.
    Map<String, Long> words = new LinkedHashMap<>();
    words.put("hug", 10L);
    words.put("pug", 5L);
    words.put("pun", 12L);
    words.put("bun", 4L);
    words.put("hugs", 5L);
    BpeTrainer.Result r = new BpeTrainer(2 + 7 + 5, 0, List.of("<unk>", "<pad>"), null, List.of(), null, null).train(words);
    assertEquals(List.of("ug", "un", "hug", "pun", "pug").size(), r.merges().size());
    assertEquals(List.of("u g", "u n", "h ug", "p un", "p ug"), merges(r));
    assertEquals(0, r.vocab().get("<unk>"));
    assertEquals(1, r.vocab().get("<pad>"));
    assertEquals(List.of("<unk>", "<pad>", "b", "g", "h", "n", "p", "s", "u", "ug", "un", "hug", "pun", "pug"),
        List.of(Model.reverse(r.vocab())));
  }

  @Test
  void bpeStopsAtMinFrequencyAndBreaksTiesBySmallerIds() {
    Map<String, Long> words = Map.of("ab", 1L, "cd", 1L, "ef", 3L);
    BpeTrainer.Result r = new BpeTrainer(100, 1, List.of(), null, List.of(), null, null).train(words);
    assertEquals(List.of("e f", "a b", "c d"), merges(r));
    BpeTrainer.Result r2 = new BpeTrainer(100, 2, List.of(), null, List.of(), null, null).train(words);
    assertEquals(List.of("e f"), merges(r2));
  }

  @Test
  void limitAlphabetKeepsTheMostFrequentCharacters() {
    Map<String, Long> words = Map.of("aaa", 5L, "bb", 3L, "c", 1L);
    BpeTrainer.Result r = new BpeTrainer(100, 0, List.of(), 2, List.of("z"), null, null).train(words);
    assertTrue(r.vocab().containsKey("z"));
    assertTrue(r.vocab().containsKey("a"));
    assertTrue(!r.vocab().containsKey("b") && !r.vocab().containsKey("c"), r.vocab().toString());
  }

  @Test
  void wordPieceTrainerBuildsContinuationPieces() throws Exception {
    List<String> corpus = Prose.lines(1500);
    WordPieceTrainer trainer = new WordPieceTrainer(400, 2, WordPieceTrainer.BERT_SPECIAL_TOKENS, true, null);
    Tokenizer t = trainer.train(corpus);
    // the prose has about a hundred distinct words: every one ends up whole, below the target size
    assertTrue(t.vocabSize() < 400, "vocab " + t.vocabSize());
    Tokenizer small = new WordPieceTrainer(120, 2, WordPieceTrainer.BERT_SPECIAL_TOKENS, true, null).train(corpus);
    assertEquals(120, small.vocabSize());
    assertTrue(small.encode("distillation").length() > 3, "a small vocabulary cuts words into pieces");
    assertEquals(List.of(0, 1, 2, 3, 4), WordPieceTrainer.BERT_SPECIAL_TOKENS.stream().map(t::tokenToId).toList());
    assertTrue(t.model().vocab().keySet().stream().anyMatch(s -> s.startsWith("##") && s.length() > 3));
    Encoding e = t.encode("Distillation of knowledge");
    assertEquals("[CLS]", e.tokens().get(0));
    assertEquals("[SEP]", e.tokens().get(e.length() - 1));
    assertEquals("distillation of knowledge", t.decode(e.ids(), true));
    assertEquals(List.of("[CLS]", "distillation", "of", "knowledge", "[SEP]"), e.tokens());
    // deterministic, and the same from a file
    Path f = dir.resolve("corpus.txt");
    Files.write(f, corpus, StandardCharsets.UTF_8);
    assertEquals(t.toJson(), trainer.train(corpus).toJson());
    assertEquals(t.toJson(), trainer.train(f).toJson());
  }

  @Test
  void trainedWordPieceLoadsInHfAndMatches() throws Exception {
    Tokenizer t = WordPieceTrainer.bert(600).train(Prose.lines(1000));
    Path f = dir.resolve("wp.json");
    t.save(f);
    try (HuggingFaceTokenizer hf = HfReference.hf(f)) {
      List<String> lines = new ArrayList<>(Prose.lines(50));
      lines.addAll(TestCorpus.lines(77L, 200));
      for (String line : lines) {
        assertEquals(HfReference.describe(hf.encode(line, true, false)), HfReference.describe(t.encode(line, true)),
            HfReference.escape(line));
      }
    }
  }

  @Test
  void byteLevelTrainerCoversAllBytes() throws Exception {
    List<String> corpus = Prose.lines(800);
    ByteLevelBpeTrainer trainer = new ByteLevelBpeTrainer(400, 2, List.of("<|endoftext|>", "<pad>"), false, false);
    Tokenizer t = trainer.train(corpus);
    assertEquals(400, t.vocabSize());
    assertEquals(0, t.tokenToId("<|endoftext|>"));
    assertEquals(1, t.tokenToId("<pad>"));
    for (String c : ByteLevelAlphabet.alphabet()) assertTrue(t.tokenToId(c) >= 2, c);
    assertTrue(t.model().vocab().containsKey("Ġthe"), "frequent words become tokens");
    String text = "Über naïve 東京 🤖 text\twith\r\nodd  spacing";
    assertEquals(text, t.decode(t.encode(text).ids(), false));
    Path f = dir.resolve("corpus.txt");
    Files.write(f, corpus, StandardCharsets.UTF_8);
    assertEquals(t.toJson(), trainer.train(f).toJson());
    int[] ids = t.encode("the teacher").ids();
    assertArrayEquals(ids, Tokenizer.load(save(t)).encode("the teacher").ids());
  }

  private Path save(Tokenizer t) throws Exception {
    Path f = dir.resolve("t.json");
    t.save(f);
    return f;
  }
}
