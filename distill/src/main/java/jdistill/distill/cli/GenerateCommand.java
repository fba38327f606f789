package jdistill.distill.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import jdistill.models.generate.GenerationConfig;
import jdistill.models.generate.Generator;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.run.ModelFolder;
import jdistill.models.run.VocabRule;
import jdistill.models.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jdistill generate}: continues a prompt with a GPT-2 model folder and prints the text. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Continues a prompt with a GPT-2 model folder (config.json, model.safetensors, tokenizer) and prints the prompt with its continuation.",
      "Greedy by default; --temperature above 0 samples (with --top-k, --top-p, --seed). Generation stops at <|endoftext|>, "
          + "after --max-new-tokens, or at a --stop text (which is not printed)."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "GPT-2 model folder with its tokenizer")
  Path model;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the text to continue")
  String prompt;

  @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "50", description = "most tokens to generate (default: ${DEFAULT-VALUE})")
  int maxNewTokens;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "0 for greedy decoding, above 0 to sample (default: ${DEFAULT-VALUE})")
  double temperature;

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "sample among the K likeliest tokens; 0 for all (default: ${DEFAULT-VALUE})")
  int topK;

  @Option(names = "--top-p", paramLabel = "P", defaultValue = "1", description = "sample among the likeliest tokens whose probabilities sum to P (default: ${DEFAULT-VALUE})")
  double topP;

  @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1", description = "divide (positive) logits of tokens already present by R (default: ${DEFAULT-VALUE})")
  double repetitionPenalty;

  @Option(names = "--seed", paramLabel = "S", description = "seed for sampling (default: a fresh one, printed on stderr)")
  Long seed;

  @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the continuation contains TEXT; may be repeated")
  List<String> stops = new ArrayList<>();

  @Option(names = "--continuation-only", description = "print only the generated text, not the prompt")
  boolean continuationOnly;

  @Option(names = "--allow-larger-vocab", description = "accept a model whose vocab_size is larger than its tokenizer's")
  boolean allowLargerVocab;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (String s : stops) {
      if (s.isEmpty()) {
        err.println("generate: --stop needs a non-empty text");
        return 2;
      }
    }
    ModelFolder folder;
    Gpt2 gpt2;
    try {
      folder = ModelFolder.load(model, allowLargerVocab ? VocabRule.MODEL_MAY_BE_LARGER : VocabRule.EXACT);
      gpt2 = folder.gpt2();
    } catch (IOException e) {
      err.println("generate: cannot load the model folder: " + e.getMessage());
      return 1;
    }
    Tokenizer tokenizer = folder.tokenizer().withTruncation(null).withPadding(null);
    int[] promptIds = tokenizer.encode(prompt, true).ids();
    int eos = folder.endOfTextId();
    if (promptIds.length == 0) {
      if (eos < 0) {
        err.println("generate: the prompt has no tokens and the tokenizer has no <|endoftext|> to start from");
        return 1;
      }
      promptIds = new int[] {eos}; // GPT-2 starts unconditional text after <|endoftext|>
    }
    int positions = folder.maxPositions();
    if (promptIds.length + maxNewTokens > positions) {
      err.printf(Locale.ROOT, "generate: the prompt has %d tokens; with --max-new-tokens %d that exceeds the model's %d positions (at most %d new tokens fit)%n",
          promptIds.length, maxNewTokens, positions, Math.max(0, positions - promptIds.length));
      return 1;
    }
    long usedSeed = seed != null ? seed : System.nanoTime();
    Set<Long> stopIds = new HashSet<>();
    if (eos >= 0) stopIds.add((long) eos);
    for (String s : stops) {
      int[] ids = tokenizer.encode(s, false).ids();
      if (ids.length == 1) stopIds.add((long) ids[0]);
    }
    GenerationConfig config;
    try {
      config = new GenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, stopIds, folder.padId(), usedSeed);
    } catch (IllegalArgumentException e) {
      err.println("generate: " + optionNames(e.getMessage()));
      return 2;
    }
    long start = System.nanoTime();
    long[] prompt64 = new long[promptIds.length];
    for (int i = 0; i < promptIds.length; i++) prompt64[i] = promptIds[i];
    long[] generated = new Generator(gpt2).generate(List.of(prompt64), config).tokens().get(0);
    double seconds = (System.nanoTime() - start) / 1e9;
    Text text = text(tokenizer, promptIds, generated, stops);
    out.println(continuationOnly ? text.continuation() : text.prompt() + text.continuation());
    out.flush();
    err.printf(Locale.ROOT, "Generated %d tokens in %.2f s (%.1f tokens/s)%s%n", generated.length, seconds, generated.length / Math.max(seconds, 1e-9),
        temperature > 0 ? ", seed " + usedSeed : "");
    return 0;
  }

  /** The decoded prompt and continuation (cut before the first stop text). */
  record Text(String prompt, String continuation) {}

  /** Decodes prompt and continuation together (so that characters split across them come out whole), then cuts at a stop text. */
  static Text text(Tokenizer tokenizer, int[] promptIds, long[] generated, List<String> stops) {
    int[] all = new int[promptIds.length + generated.length];
    System.arraycopy(promptIds, 0, all, 0, promptIds.length);
    int[] gen = new int[generated.length];
    for (int i = 0; i < generated.length; i++) all[promptIds.length + i] = gen[i] = Math.toIntExact(generated[i]);
    String head = tokenizer.decode(promptIds, true);
    String full = tokenizer.decode(all, true);
    String cont = full.startsWith(head) ? full.substring(head.length()) : tokenizer.decode(gen, true);
    int cut = cont.length();
    for (String s : stops) {
      int at = cont.indexOf(s);
      if (at >= 0) cut = Math.min(cut, at);
    }
    return new Text(head, cont.substring(0, cut));
  }

  /** A {@link GenerationConfig} message in terms of this command's options. */
  static String optionNames(String message) {
    return message.replace("maxNewTokens", "--max-new-tokens").replace("temperature", "--temperature").replace("topK", "--top-k")
        .replace("topP", "--top-p").replace("repetitionPenalty", "--repetition-penalty");
  }
}
