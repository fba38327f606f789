package jdistill.distill.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jdistill.models.hf.BertConfig;
import jdistill.models.hf.CheckpointWriter;
import jdistill.models.hf.HfFormatException;
import jdistill.models.hf.ShardPlan;
import jdistill.models.onnx.OnnxBertImporter;
import jdistill.models.onnx.OnnxFormatException;
import jdistill.models.onnx.OnnxImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdistill import-onnx}: converts a BERT-family ONNX export into a Hugging Face checkpoint folder. */
@Command(
    name = "import-onnx",
    mixinStandardHelpOptions = true,
    description = {
      "Imports the weights of a BERT-family ONNX export (PyTorch, Hugging Face Optimum, sentence-transformers) "
          + "into a Hugging Face folder: config.json, model.safetensors and, when given, tokenizer.json.",
      "Sizes come from the weights; heads, activation and layer-norm epsilon from the graph."
    })
public final class ImportOnnxCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file (weights inside it, not in external data files).")
  Path model;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write (created if needed).")
  Path output;

  @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "A Hugging Face tokenizer.json to copy beside the weights.")
  Path tokenizer;

  @Option(names = "--heads", paramLabel = "N", description = "Number of attention heads, when the graph does not show it (or to override it).")
  Integer heads;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OnnxImport.Report r;
    try {
      r = OnnxImport.toHfFolder(model, output, tokenizer, new OnnxBertImporter.Options(heads), CheckpointWriter.safetensors());
    } catch (OnnxFormatException | HfFormatException | UnsupportedOperationException e) {
      err.println("import-onnx: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("import-onnx: " + e);
      return 1;
    }
    BertConfig c = r.config();
    out.printf(Locale.ROOT, "Imported %s: %d layers, hidden %d, %d heads, FFN %d, vocab %d, %d positions, %d token types (%.1fM parameters, %d tensors)%n",
        c.architectures().isEmpty() ? "BERT" : c.architectures().get(0), c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(),
        c.intermediateSize(), c.vocabSize(), c.maxPositionEmbeddings(), c.typeVocabSize(), r.parameters() / 1e6, r.tensors());
    for (String note : r.notes()) out.println("  " + note);
    out.println("Wrote " + r.dir().resolve("config.json"));
    for (ShardPlan.Shard s : r.plan().shards()) out.println("Wrote " + r.dir().resolve(s.fileName()));
    if (r.tokenizerCopied()) out.println("Wrote " + r.dir().resolve(OnnxImport.TOKENIZER_FILE));
    return 0;
  }
}
