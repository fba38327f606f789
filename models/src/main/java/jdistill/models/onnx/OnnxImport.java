package jdistill.models.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import jdistill.models.hf.BertConfig;
import jdistill.models.hf.CheckpointWriter;
import jdistill.models.hf.HfCheckpointWriter;
import jdistill.models.hf.ShardPlan;

/**
 * {@code jdistill import-onnx}: an ONNX BERT export in, a Hugging Face checkpoint folder out
 * ({@code config.json}, {@code model.safetensors}, and {@code tokenizer.json} when one is given).
 */
public final class OnnxImport {

  /** What was written where, with the importer's notes. */
  public record Report(Path dir, BertConfig config, ShardPlan plan, int tensors, long parameters, boolean tokenizerCopied, List<String> notes) {
    public Report {
      notes = List.copyOf(notes);
    }
  }

  /** Name of the tokenizer file in the output folder. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  private OnnxImport() {}

  /**
   * Imports {@code onnx} into {@code outDir} (created if needed), writing safetensors through
   * {@code writer}; {@code tokenizer} may be null.
   */
  public static Report toHfFolder(Path onnx, Path outDir, Path tokenizer, OnnxBertImporter.Options options, CheckpointWriter writer)
      throws IOException {
    if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
      throw new OnnxFormatException(tokenizer + ": tokenizer file not found");
    }
    OnnxModel model = OnnxModel.load(onnx);
    OnnxBertImporter.Result result = OnnxBertImporter.importBert(model, options);
    ShardPlan plan = new HfCheckpointWriter(writer).write(outDir, result.config(), result.stateDict());
    if (tokenizer != null) {
      Files.copy(tokenizer, outDir.resolve(TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
    }
    long params = result.stateDict().values().stream().mapToLong(t -> t.numel()).sum();
    return new Report(outDir, result.config(), plan, result.stateDict().size(), params, tokenizer != null, result.notes());
  }
}
