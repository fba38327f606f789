package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad tokenizer files fail with messages that name the file, the field and what was expected. */
class TokenizerErrorsTest {
  @TempDir Path dir;

  private static final String MODEL = "{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"vocab\":{\"[UNK]\":0,\"a\":1,\"##b\":2}}";

  private static String json(String normalizer, String preTokenizer, String model) {
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],\"normalizer\":" + normalizer
        + ",\"pre_tokenizer\":" + preTokenizer + ",\"post_processor\":null,\"decoder\":null,\"model\":" + model + "}";
  }

  private String failure(String content) throws IOException {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, content);
    TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    return e.getMessage();
  }

  private static void contains(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
  }

  @Test
  void corruptJson() throws IOException {
    contains(failure("{\"version\": \"1.0\", \"model\": {\"type\": "), "not valid JSON", "line 1");
    contains(failure("{\"model\": {}\n,,}"), "not valid JSON", "line 2");
    contains(failure("[1, 2]"), "expected a JSON object");
  }

  @Test
  void unsupportedComponentsNameTheirPath() throws IOException {
    contains(failure(json("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"\"}]}", "null", MODEL)),
        "normalizer.normalizers[1].type", "unsupported normalizer type 'Precompiled'", "BertNormalizer");
    contains(failure(json("null", "{\"type\":\"Metaspace\",\"replacement\":\"_\"}", MODEL)), "pre_tokenizer.type", "'Metaspace'");
    contains(failure(json("null", "null", "{\"type\":\"Unigram\",\"vocab\":[]}")), "model.type", "'Unigram'", "WordPiece, BPE, WordLevel");
    String withDecoder = json("null", "null", MODEL).replace("\"decoder\":null", "\"decoder\":{\"type\":\"CTC\"}");
    contains(failure(withDecoder), "decoder.type", "'CTC'");
    String withPost = json("null", "null", MODEL).replace("\"post_processor\":null", "\"post_processor\":{\"type\":\"Magic\"}");
    contains(failure(withPost), "post_processor.type", "'Magic'");
  }

  @Test
  void wrongOrMissingFields() throws IOException {
    contains(failure("{\"version\":\"1.0\"}"), "model: missing");
    contains(failure(json("{\"type\":\"BertNormalizer\",\"lowercase\":\"yes\"}", "null", MODEL)), "normalizer.lowercase", "expected true or false");
    contains(failure(json("{\"lowercase\":true}", "null", MODEL)), "normalizer.type: missing");
    contains(failure(json("null", "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(unclosed\"},\"behavior\":\"Isolated\"}", MODEL)),
        "pre_tokenizer.pattern.Regex", "not understood");
    contains(failure(json("null", "{\"type\":\"Split\",\"pattern\":{\"String\":\"x\"},\"behavior\":\"Sideways\"}", MODEL)),
        "pre_tokenizer.behavior", "'Sideways'");
    contains(failure(json("null", "null", "{\"type\":\"WordPiece\",\"vocab\":{\"a\":\"one\"}}")), "model.vocab[\"a\"]", "integer id");
    contains(failure(json("null", "null", "{\"type\":\"WordPiece\",\"vocab\":{\"a\":0,\"b\":0}}")), "model.vocab[\"b\"]", "also the id of 'a'");
    contains(failure(json("null", "null", MODEL).replace("\"truncation\":null", "\"truncation\":{\"max_length\":5,\"strategy\":\"Middle\"}")),
        "truncation.strategy", "'Middle'");
    contains(failure(json("null", "null", MODEL).replace("\"padding\":null", "\"padding\":{\"strategy\":{\"Fixed\":\"x\"}}")),
        "padding.strategy.Fixed", "integer");
    contains(failure(json("null", "null", MODEL).replace("\"added_tokens\":[]", "\"added_tokens\":[{\"id\":5}]")),
        "added_tokens[0].content: missing");
  }

  @Test
  void badBpeMergesAndTemplates() throws IOException {
    String bpe = "{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\",\"a b c\"]}";
    contains(failure(json("null", "null", bpe)), "model.merges[1]", "two tokens");
    String missing = "{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}";
    contains(failure(json("null", "null", missing)), "model.merges", "merge 0", "'ab' is not in the vocabulary");
    String template = json("null", "null", MODEL).replace("\"post_processor\":null",
        "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},"
            + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[{\"Sequence\":{\"id\":\"C\",\"type_id\":0}}],\"special_tokens\":{}}");
    contains(failure(template), "post_processor.pair[0].Sequence.id", "'C'");
    String undefined = template.replace("{\"Sequence\":{\"id\":\"C\",\"type_id\":0}}", "{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}");
    contains(failure(undefined), "post_processor", "'[CLS]'", "special_tokens does not define it");
  }

  @Test
  void missingAndMalformedVocabularyFiles() throws IOException {
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2}");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Tokenizer.load(dir.resolve("vocab.json")));
    assertTrue(e.getMessage().contains("merges.txt"), e.getMessage());
    Files.write(dir.resolve("merges.txt"), List.of("#version: 0.2", "a b", "a b c"));
    TokenizerFormatException f = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
    contains(f.getMessage(), "merges.txt", "line 3", "two tokens");
    Files.write(dir.resolve("merges.txt"), List.of("a x"));
    f = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
    contains(f.getMessage(), "merges.txt", "'x' is not in the vocabulary");
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0,");
    f = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
    contains(f.getMessage(), "vocab.json", "not valid JSON");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    NoSuchFileException g = assertThrows(NoSuchFileException.class, () -> Tokenizer.load(empty));
    contains(g.getMessage(), "empty", "tokenizer.json");
  }

  @Test
  void encodingErrorsSayWhatIsMissing() throws IOException {
    Tokenizer t = TokenizerJson.parse(json("null", "null", "{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"vocab\":{\"a\":0}}"), "t");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.encode("b"));
    contains(e.getMessage(), "unknown token '[UNK]'");
  }
}
