package jdistill.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdistill.engine.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folders jdistill writes load in Hugging Face transformers unchanged: for a GPT-2, a BERT and
 * the three BERT heads, {@code src/test/python/hf_parity.py} loads the folder with the class its
 * config.json names, reads its tokenizer with AutoTokenizer, and compares ids, last hidden state
 * and logits with what {@link BatchForward} computed. Needs python3 with torch and transformers
 * (the test is skipped, through an assumption, where they are missing).
 */
@Tag("python")
class HfTransformersParityTest {

  private static final List<String> LINES = List.of(
      "The cat sat on the mat.",
      "Birds sing in the trees early in the morning, and the dog ran across the park!",
      "An unseen word: zebra-crossing 42.",
      "",
      "the old house");

  @TempDir Path dir;

  @BeforeAll
  static void needsTransformers() throws Exception {
    assumeTrue(run(List.of("python3", "-c", "import torch, transformers, safetensors")).exit == 0, "python3 with torch, transformers and safetensors is not installed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "bert", "bert-mlm", "bert-classifier", "bert-token-classifier"})
  void folderLoadsAndComputesTheSameInTransformers(String kind) throws Exception {
    Path model = dir.resolve(kind);
    switch (kind) {
      case "gpt2" -> TinyFolders.gpt2(model, 64);
      case "bert" -> TinyFolders.bert(model, 64);
      case "bert-mlm" -> TinyFolders.bertMlm(model, 64);
      case "bert-classifier" -> TinyFolders.bertClassifier(model, 64);
      default -> TinyFolders.bertTokenClassifier(model, 64);
    }
    BatchForward.Result ours = BatchForward.run(ModelFolder.load(model), LINES, BatchForward.Options.defaults());
    Path expected = dir.resolve(kind + "-expected.safetensors");
    Safetensors.save(expected, ours.tensors());
    Path lines = dir.resolve("lines.txt");
    Files.writeString(lines, String.join("\n", LINES), StandardCharsets.UTF_8);

    Result r = run(List.of("python3", Path.of("src/test/python/hf_parity.py").toAbsolutePath().toString(), model.toString(), expected.toString(), lines.toString()));
    System.out.print(kind + ":\n" + r.output);
    assertEquals(0, r.exit, kind + ": transformers disagrees:\n" + r.output);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Result(-1, out + "\n(timed out)");
    }
    return new Result(p.exitValue(), out);
  }
}
