package jdistill.distill.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jdistill.engine.Tensor;
import jdistill.engine.io.Safetensors;
import jdistill.models.run.BatchForward;
import jdistill.models.run.InputTooLongException;
import jdistill.models.run.ModelFolder;
import jdistill.models.run.VocabRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jdistill forward}: runs a model folder over the lines of a text file and saves its outputs as safetensors. */
@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Hugging Face model folder (config.json, model.safetensors, tokenizer) over each line of a UTF-8 text file.",
      "Each line is tokenized on its own, with the special tokens the tokenizer's post-processor adds; the truncation and padding "
          + "written in the tokenizer file are not used. Lines go through the model in batches, right-padded and masked.",
      "Writes input_ids and attention_mask (I64 [lines, longest]), last_hidden_state (F32 [lines, longest, hidden]), "
          + "pooler_output for a BERT with a pooler, and logits for models with a head (LM, masked LM, classifiers). "
          + "Padding positions hold zeros."
    })
public final class ForwardCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder with its tokenizer")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "UTF-8 text, one input per line")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "where the outputs go")
  Path output;

  @Option(names = "--max-length", paramLabel = "N", description = "most tokens per line, special tokens included (default: the model's positions)")
  Integer maxLength;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "8", description = "lines per forward pass (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--fail-on-truncation", description = "fail on a line longer than the limit instead of truncating it")
  boolean failOnTruncation;

  @Option(names = "--no-logits", description = "leave out the logits (they can be large: lines x longest x vocabulary)")
  boolean noLogits;

  @Option(names = "--allow-larger-vocab", description = "accept a model whose vocab_size is larger than its tokenizer's")
  boolean allowLargerVocab;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BatchForward.Options options;
    try {
      options = new BatchForward.Options(maxLength, batchSize, failOnTruncation, !noLogits);
    } catch (IllegalArgumentException e) {
      err.println("forward: " + e.getMessage().replace("batch size", "--batch-size").replace("max length", "--max-length"));
      return 2;
    }
    ModelFolder folder;
    try {
      folder = ModelFolder.load(model, allowLargerVocab ? VocabRule.MODEL_MAY_BE_LARGER : VocabRule.EXACT);
    } catch (IOException e) {
      err.println("forward: cannot load the model folder: " + e.getMessage());
      return 1;
    }
    List<String> lines;
    try {
      lines = readLines(input);
    } catch (IOException e) {
      err.println("forward: " + e.getMessage());
      return 1;
    }
    long start = System.nanoTime();
    BatchForward.Result result;
    try {
      BatchForward.Tokenized tokens = BatchForward.tokenize(folder, lines, options);
      List<Integer> cut = tokens.truncatedLines();
      if (!cut.isEmpty()) {
        err.printf(Locale.ROOT, "warning: %s of %s longer than %d tokens, truncated to %d: line%s %s%n", cut.size() == 1 ? "1 line" : cut.size() + " lines",
            input, tokens.limit(), tokens.limit(), cut.size() == 1 ? "" : "s", BatchForward.listLines(cut));
      }
      result = BatchForward.run(folder, tokens, options);
    } catch (InputTooLongException e) {
      err.println("forward: " + input + ": " + e.getMessage() + " (without --fail-on-truncation such lines are truncated)");
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("forward: " + e.getMessage().replace("max length", "--max-length"));
      return 1;
    }
    Map<String, Tensor> tensors = result.tensors();
    try {
      Safetensors.save(output, tensors, Map.of("format", "pt", "model", folder.spec().family().architecture(), "lines", Integer.toString(result.rows())));
    } catch (IOException e) {
      err.println("forward: cannot write " + output + ": " + e.getMessage());
      return 1;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "Ran %s over %d lines (longest %d tokens) in %.2f s%n", folder.describe(), result.rows(), result.width(), seconds);
    StringBuilder sb = new StringBuilder("Wrote ").append(output).append(':');
    tensors.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(Arrays.toString(v.shape())));
    out.println(sb);
    return 0;
  }

  /** The lines of {@code file} (line breaks \n, \r\n or \r), or an error naming the file and the first line that is not UTF-8. */
  static List<String> readLines(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("input file not found: " + file);
    byte[] bytes = Files.readAllBytes(file);
    List<String> lines = new ArrayList<>();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      boolean end = i == bytes.length;
      if (!end && bytes[i] != '\n' && bytes[i] != '\r') continue;
      if (end && start == bytes.length) break; // no text after the last line break
      try {
        lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, i - start)).toString());
      } catch (CharacterCodingException e) {
        throw new IOException(file + ": line " + (lines.size() + 1) + " is not valid UTF-8", e);
      }
      if (!end && bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') i++;
      start = i + 1;
    }
    if (lines.isEmpty()) throw new IOException(file + ": no lines to run");
    return lines;
  }
}
