package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading and saving: {@code tokenizer.json} written here loads in HF and behaves the same;
 * {@code vocab.txt} and {@code vocab.json} + {@code merges.txt} give the tokenizers HF's full
 * files describe.
 */
class TokenizerFilesTest {
  @TempDir static Path dir;
  static String miniLm;
  static List<String> corpus;

  @BeforeAll
  static void setUp() throws Exception {
    miniLm = HfReference.miniLmJson();
    Files.writeString(dir.resolve("minilm.json"), miniLm);
    corpus = TestCorpus.lines(555L, 300);
  }

  private static void sameAsHf(Tokenizer ours, HuggingFaceTokenizer hf) {
    for (int i = 0; i < corpus.size(); i++) {
      String line = corpus.get(i);
      String want = i % 2 == 0 ? HfReference.describe(hf.encode(line, true, false))
          : HfReference.describe(hf.encode(line, corpus.get(i - 1), true, false));
      String got = HfReference.describe(i % 2 == 0 ? ours.encode(line, true) : ours.encode(line, corpus.get(i - 1), true));
      assertEquals(want, got, HfReference.escape(line));
    }
  }

  @Test
  void savedTokenizerJsonLoadsInHfAndHere() throws Exception {
    Tokenizer original = TokenizerJson.parse(miniLm, "minilm");
    Path saved = dir.resolve("saved").resolve("tokenizer.json");
    Files.createDirectories(saved.getParent());
    original.save(saved);
    Tokenizer reloaded = Tokenizer.load(saved.getParent());
    assertEquals(original.toJson(), reloaded.toJson(), "writing is stable");
    assertEquals(128, reloaded.truncation().maxLength());
    assertEquals(128, reloaded.padding().fixedLength());
    ObjectMapper m = new ObjectMapper();
    ObjectNode a = (ObjectNode) m.readTree(miniLm), b = (ObjectNode) m.readTree(Files.readString(saved));
    for (String field : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder", "added_tokens", "truncation", "padding")) {
      assertEquals(a.get(field), b.get(field), field);
    }
    assertEquals(a.get("model").get("vocab"), b.get("model").get("vocab"));
    try (HuggingFaceTokenizer hfSaved = HfReference.hf(saved)) {
      sameAsHf(reloaded.withPadding(null).withTruncation(null), hfSaved);
    }
  }

  @Test
  void bertVocabTxtGivesTheSameTokenizer() throws Exception {
    Tokenizer t = TokenizerJson.parse(miniLm, "minilm");
    String[] byId = Model.reverse(t.model().vocab());
    Path folder = Files.createDirectories(dir.resolve("bert"));
    Files.write(folder.resolve("vocab.txt"), List.of(byId), StandardCharsets.UTF_8);
    Tokenizer fromVocab = Tokenizer.load(folder);
    try (HuggingFaceTokenizer hf = HfReference.hf(dir.resolve("minilm.json"))) {
      sameAsHf(fromVocab, hf);
    }
    assertEquals("[CLS]", fromVocab.decode(new int[] {101}, false));
    assertEquals("", fromVocab.decode(new int[] {101}, true));
    assertEquals(fromVocab.toJson(), Tokenizer.load(folder.resolve("vocab.txt")).toJson());

    Files.writeString(folder.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    Tokenizer cased = Tokenizer.load(folder);
    assertEquals(new BertNormalizer(true, true, null, false), cased.normalizer());
    assertEquals(List.of("[UNK]"), cased.encode("Hello", false).tokens(), "MiniLM's vocabulary has no capitals");
  }

  @Test
  void gpt2VocabAndMergesGiveTheSameTokenizer() throws Exception {
    Tokenizer trained = ByteLevelBpeTrainer.gpt2(500).train(Prose.lines(500));
    Path json = dir.resolve("trained.json");
    trained.save(json);
    BpeModel bpe = (BpeModel) trained.model();
    Path folder = Files.createDirectories(dir.resolve("gpt2"));
    ObjectNode vocab = new ObjectMapper().createObjectNode();
    for (Map.Entry<String, Integer> e : bpe.vocab().entrySet()) vocab.put(e.getKey(), e.getValue());
    Files.writeString(folder.resolve("vocab.json"), vocab.toString());
    List<String> merges = new ArrayList<>(List.of("#version: 0.2"));
    for (String[] p : bpe.merges()) merges.add(p[0] + " " + p[1]);
    Files.write(folder.resolve("merges.txt"), merges, StandardCharsets.UTF_8);

    Tokenizer fromFiles = Tokenizer.load(folder);
    assertFalse(bpe.merges().isEmpty());
    assertEquals(List.of(new AddedToken("<|endoftext|>", false, false, false, false, true)), fromFiles.addedTokens());
    try (HuggingFaceTokenizer hf = HfReference.hf(json)) {
      sameAsHf(fromFiles, hf);
    }
    assertEquals(fromFiles.toJson(), Tokenizer.load(folder.resolve("vocab.json")).toJson());
    assertEquals(fromFiles.toJson(), Tokenizer.load(folder.resolve("merges.txt")).toJson());
  }

  @Test
  void folderPrefersTokenizerJson() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("both"));
    Files.write(folder.resolve("vocab.txt"), List.of("[UNK]", "a"));
    Files.writeString(folder.resolve("tokenizer.json"), miniLm);
    assertTrue(Tokenizer.load(folder).vocabSize() > 30000);
  }
}
