package jdistill.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdistill tokenize} through picocli, on a BERT vocabulary written by hand. */
class TokenizeCommandTest {
  @TempDir Path dir;
  Path vocab;
  Path input;
  StringWriter err;

  @BeforeEach
  void files() throws Exception {
    vocab = dir.resolve("vocab.txt");
    // ids:          0       1        2        3        4         5        6        7     8    9
    Files.write(vocab, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "!", "ca"));
    input = dir.resolve("in.txt");
    Files.writeString(input, "Hello worlds!\n\nhello   café [MASK]\r\nxyz\n", StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesOneIdArrayPerLine() throws Exception {
    Path out = dir.resolve("out.jsonl");
    assertEquals(0, run("tokenize", "--tokenizer", vocab.toString(), "--input", input.toString(), "--output", out.toString()));
    // "café" -> "cafe" (accents stripped) -> "ca" + "##fe"? not in the vocabulary, so [UNK]
    assertEquals(List.of("[2,5,6,7,8,3]", "[2,3]", "[2,5,1,4,3]", "[2,1,3]"), Files.readAllLines(out));
    assertTrue(err.toString().contains("Tokenized 4 lines into 16 tokens"), err.toString());
  }

  @Test
  void withoutSpecialTokensAndFromAFolder() throws Exception {
    Path out = dir.resolve("out.jsonl");
    assertEquals(0, run("tokenize", "--tokenizer", dir.toString(), "--input", input.toString(), "--output", out.toString(),
        "--no-special-tokens"));
    assertEquals(List.of("[5,6,7,8]", "[]", "[5,1,4]", "[1]"), Files.readAllLines(out));
  }

  @Test
  void tokenizerJsonWithPaddingAndTruncation() throws Exception {
    Path json = dir.resolve("tokenizer.json");
    String text = jdistill.models.tokenizer.Tokenizer.load(vocab)
        .withTruncation(jdistill.models.tokenizer.Truncation.longestFirst(4))
        .withPadding(jdistill.models.tokenizer.Padding.fixed(4, 0, "[PAD]")).toJson();
    Files.writeString(json, text);
    Path out = dir.resolve("out.jsonl");
    assertEquals(0, run("tokenize", "--tokenizer", json.toString(), "--input", input.toString(), "--output", out.toString()));
    assertEquals(List.of("[2,5,6,3]", "[2,3,0,0]", "[2,5,1,3]", "[2,1,3,0]"), Files.readAllLines(out));
    assertEquals(0, run("tokenize", "--tokenizer", json.toString(), "--input", input.toString(), "--output", out.toString(),
        "--no-padding", "--no-truncation"));
    assertEquals(List.of("[2,5,6,7,8,3]", "[2,3]", "[2,5,1,4,3]", "[2,1,3]"), Files.readAllLines(out));
  }

  @Test
  void clearErrors() throws Exception {
    Path out = dir.resolve("out.jsonl");
    assertEquals(1, run("tokenize", "--tokenizer", dir.resolve("nope").toString(), "--input", input.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("Cannot load the tokenizer") && err.toString().contains("nope"), err.toString());
    assertEquals(1, run("tokenize", "--tokenizer", vocab.toString(), "--input", dir.resolve("missing.txt").toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("Input file not found") && err.toString().contains("missing.txt"), err.toString());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"model\": ");
    assertEquals(1, run("tokenize", "--tokenizer", bad.toString(), "--input", input.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("bad.json") && err.toString().contains("not valid JSON"), err.toString());
    assertEquals(2, run("tokenize", "--input", input.toString()));
  }
}
