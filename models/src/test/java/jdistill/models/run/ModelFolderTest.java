package jdistill.models.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import jdistill.engine.Rng;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.ModelFamily;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.BpeModel;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Loading checkpoint and tokenizer together, and every way a folder can be wrong. */
class ModelFolderTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  static String failure(Executable load) {
    IOException e = assertThrows(IOException.class, load);
    return e.getMessage();
  }

  static void contains(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
  }

  static void editConfig(Path folder, String field, int value) throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
    c.put(field, value);
    JSON.writeValue(folder.resolve("config.json").toFile(), c);
  }

  @Test
  void gpt2WithTokenizerJson() throws IOException {
    Gpt2 saved = TinyFolders.gpt2(dir, 32);
    ModelFolder f = ModelFolder.load(dir);
    assertEquals(ModelFamily.GPT2_LM, f.family());
    assertEquals(dir.resolve("tokenizer.json"), f.tokenizerFile());
    Gpt2 g = f.gpt2();
    assertSame(f.model(), g);
    assertFalse(g.isTraining());
    assertEquals(32, f.maxPositions());
    assertEquals(saved.config().vocabSize(), f.tokenizer().vocabSize());
    assertTrue(f.endOfTextId() >= 0);
    assertEquals(f.endOfTextId(), f.padId(), "GPT-2 pads with <|endoftext|>");
    for (var e : saved.stateDict().entrySet()) {
      assertArrayEquals(e.getValue().toFloatArray(), g.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
    }
    assertArrayEquals(TinyFolders.bpe().encode("The dog ran home.").ids(), f.tokenizer().encode("The dog ran home.").ids());
    contains(f.describe(), "GPT2LMHeadModel", "2 layers", "hidden 16", "32 positions", "tokenizer.json");
  }

  @Test
  void gpt2WithVocabJsonAndMerges() throws IOException {
    TinyFolders.gpt2(dir, 16);
    Tokenizer trained = Tokenizer.load(dir.resolve("tokenizer.json"));
    Files.delete(dir.resolve("tokenizer.json"));
    BpeModel bpe = (BpeModel) trained.model();
    Files.writeString(dir.resolve("vocab.json"), JSON.writeValueAsString(new TreeMap<>(bpe.vocab())));
    List<String> merges = new ArrayList<>(List.of("#version: 0.2"));
    for (String[] m : bpe.merges()) merges.add(m[0] + " " + m[1]);
    Files.write(dir.resolve("merges.txt"), merges);
    ModelFolder f = ModelFolder.load(dir);
    assertEquals(dir.resolve("vocab.json"), f.tokenizerFile());
    String text = "Children walked to the old park, early.";
    assertArrayEquals(trained.encode(text).ids(), f.tokenizer().encode(text).ids());
    Files.delete(dir.resolve("merges.txt"));
    contains(failure(() -> ModelFolder.load(dir)), dir.toString(), "vocab.json has no merges.txt");
  }

  @Test
  void bertWithVocabTxt() throws IOException {
    TinyFolders.bertMlm(dir, 16);
    ModelFolder f = ModelFolder.load(dir);
    assertEquals(ModelFamily.BERT_MASKED_LM, f.family());
    assertInstanceOf(BertForMaskedLm.class, f.model());
    assertEquals(dir.resolve("vocab.txt"), f.tokenizerFile());
    assertEquals(f.tokenizer().tokenToId("[PAD]"), f.padId());
    assertEquals(-1, f.endOfTextId());
    contains(failure(f::gpt2), dir.toString(), "BertForMaskedLM", "GPT2LMHeadModel");
  }

  @Test
  void missingFolderConfigWeightsOrTokenizer() throws IOException {
    contains(failure(() -> ModelFolder.load(dir.resolve("nope"))), "nope", "not a folder");
    contains(failure(() -> ModelFolder.load(dir)), dir.toString(), "no config.json");
    TinyFolders.gpt2(dir, 16);
    Files.delete(dir.resolve("tokenizer.json"));
    contains(failure(() -> ModelFolder.load(dir)), dir.toString(), "no tokenizer", "tokenizer.json, vocab.txt, or vocab.json with merges.txt");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
    contains(failure(() -> ModelFolder.load(dir)), "merges.txt has no vocab.json");
    Path other = dir.resolve("other");
    TinyFolders.gpt2(other, 16);
    Files.delete(other.resolve("model.safetensors"));
    contains(failure(() -> ModelFolder.load(other)), other.toString(), "neither model.safetensors nor model.safetensors.index.json");
  }

  @Test
  void corruptTokenizerJsonNamesFileAndField() throws IOException {
    TinyFolders.gpt2(dir, 16);
    Path tok = dir.resolve("tokenizer.json");
    String good = Files.readString(tok);
    Files.writeString(tok, good.substring(0, good.length() / 2));
    contains(failure(() -> ModelFolder.load(dir)), tok.toString(), "not valid JSON");
    ObjectNode root = (ObjectNode) JSON.readTree(good);
    ((ObjectNode) root.get("model").get("vocab")).put("the", "seven");
    Files.writeString(tok, JSON.writeValueAsString(root));
    contains(failure(() -> ModelFolder.load(dir)), tok.toString(), "model.vocab[\"the\"]");
    root = (ObjectNode) JSON.readTree(good);
    ((ObjectNode) root.get("model")).put("type", "Unigram");
    Files.writeString(tok, JSON.writeValueAsString(root));
    contains(failure(() -> ModelFolder.load(dir)), tok.toString(), "model.type", "Unigram");
  }

  /** A GPT-2 of vocabulary {@code vocab} saved to {@code folder} with the tokenizer.json of {@code from}. */
  static void gpt2WithVocab(Path folder, int vocab, Path from) throws IOException {
    Gpt2 model = new Gpt2(TinyFolders.config(vocab, 16, 0, Activation.GELU_TANH), new Rng(1));
    HfCheckpoint.save(model, folder);
    Files.copy(from.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
  }

  @Test
  void vocabularySizesMustMatch() throws IOException {
    int v = TinyFolders.gpt2(dir, 16).config().vocabSize();
    Path small = dir.resolve("small");
    gpt2WithVocab(small, v - 10, dir);
    String m = failure(() -> ModelFolder.load(small));
    contains(m, small.resolve("tokenizer.json").toString(), small.resolve("config.json").toString(), v + " token ids", "vocab_size " + (v - 10),
        "does not belong to this model");
    contains(failure(() -> ModelFolder.load(small, VocabRule.MODEL_MAY_BE_LARGER)), "vocab_size " + (v - 10), "no embedding row");
    Path big = dir.resolve("big");
    gpt2WithVocab(big, v + 4, dir);
    contains(failure(() -> ModelFolder.load(big)), big.resolve("tokenizer.json").toString(), v + " token ids", "vocab_size " + (v + 4), "should match");
    assertEquals(v + 4, ModelFolder.load(big, VocabRule.MODEL_MAY_BE_LARGER).spec().config().vocabSize());
  }

  @Test
  void misShapedTensorsAreNamed() throws IOException {
    TinyFolders.gpt2(dir, 16);
    editConfig(dir, "n_positions", 24);
    contains(failure(() -> ModelFolder.load(dir)), "model.safetensors", "transformer.wpe.weight", "[16, 16]", "[24, 16]");
  }

  @Test
  void badConfigNamesTheField() throws IOException {
    TinyFolders.gpt2(dir, 16);
    ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    c.put("n_head", "two");
    JSON.writeValue(dir.resolve("config.json").toFile(), c);
    contains(failure(() -> ModelFolder.load(dir)), "config.json", "n_head");
  }

}
