package jdistill.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import jdistill.models.bert.Bert;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.generate.GenerationConfig;
import jdistill.models.generate.Generator;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.ByteLevelBpeTrainer;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jdistill generate} through picocli on a tiny random GPT-2 folder: the same text as the Generator run directly. */
class GenerateCommandTest {
  @TempDir Path dir;
  Path folder;
  Gpt2 model;
  Tokenizer tokenizer;
  int eos;
  StringWriter out;
  StringWriter err;

  static final String PROMPT = "The cat sat on";

  @BeforeEach
  void folder() throws Exception {
    tokenizer = ByteLevelBpeTrainer.gpt2(300).train(ForwardCommandTest.CORPUS);
    eos = tokenizer.tokenToId("<|endoftext|>");
    TransformerConfig config = new TransformerConfig(tokenizer.vocabSize(), 64, 0, 16, 2, 2, 32, 1e-5, Activation.GELU_TANH, 0, 0);
    model = new Gpt2(config, new Rng(3));
    Rng rng = new Rng(4);
    for (Parameter p : model.parameters()) p.copyFrom(Tensor.randn(rng, 0.3, p.shape()));
    model.eval();
    folder = dir.resolve("gpt2");
    HfCheckpoint.save(model, folder);
    tokenizer.save(folder.resolve("tokenizer.json"));
  }

  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  String generate(String... extra) {
    String[] args = new String[4 + extra.length + 3];
    args[0] = "generate";
    args[1] = "--model";
    args[2] = folder.toString();
    args[3] = "--prompt";
    args[4] = PROMPT;
    System.arraycopy(extra, 0, args, 5, extra.length);
    args[5 + extra.length] = "--max-new-tokens";
    args[6 + extra.length] = "12";
    assertEquals(0, run(args), err.toString());
    return out.toString();
  }

  /** The text the Generator gives for {@link #PROMPT} run directly, decoded with the tokenizer. */
  String direct(double temperature, int topK, double topP, double penalty, long seed) {
    int[] prompt = tokenizer.encode(PROMPT).ids();
    GenerationConfig cfg = new GenerationConfig(12, temperature, topK, topP, penalty, Set.of((long) eos), eos, seed);
    long[] gen = new Generator(model).generate(List.of(Arrays.stream(prompt).asLongStream().toArray()), cfg).tokens().get(0);
    int[] all = Arrays.copyOf(prompt, prompt.length + gen.length);
    for (int i = 0; i < gen.length; i++) all[prompt.length + i] = (int) gen[i];
    return tokenizer.decode(all, true);
  }

  @Test
  void greedyEqualsTheGeneratorRunDirectly() {
    String expected = direct(0, 0, 1, 1, 0);
    assertTrue(expected.startsWith(PROMPT) && expected.length() > PROMPT.length(), expected);
    assertEquals(expected + System.lineSeparator(), generate());
    assertTrue(err.toString().contains("Generated "), err.toString());
    assertEquals(expected.substring(PROMPT.length()) + System.lineSeparator(), generate("--continuation-only"));
    assertEquals(direct(0, 0, 1, 1.3, 0) + System.lineSeparator(), generate("--repetition-penalty", "1.3"));
  }

  @Test
  void seededSamplingIsReproducible() {
    String a = generate("--temperature", "1.5", "--top-k", "40", "--top-p", "0.95", "--seed", "7");
    assertTrue(err.toString().contains("seed 7"), err.toString());
    assertEquals(a, generate("--temperature", "1.5", "--top-k", "40", "--top-p", "0.95", "--seed", "7"));
    assertEquals(direct(1.5, 40, 0.95, 1, 7) + System.lineSeparator(), a);
    assertNotEquals(a, generate("--temperature", "1.5", "--top-k", "40", "--top-p", "0.95", "--seed", "8"));
    assertNotEquals(direct(0, 0, 1, 1, 0) + System.lineSeparator(), a, "sampling at temperature 1.5 should leave the greedy path");
  }

  @Test
  void stopTextEndsTheContinuation() {
    String continuation = direct(0, 0, 1, 1, 0).substring(PROMPT.length());
    assertTrue(continuation.length() >= 4, continuation);
    String stop = continuation.substring(2, 4);
    String expected = continuation.substring(0, continuation.indexOf(stop));
    assertEquals(PROMPT + expected + System.lineSeparator(), generate("--stop", stop));
    assertEquals(PROMPT + expected + System.lineSeparator(), generate("--stop", "never there", "--stop", stop));
  }

  @Test
  void emptyPromptStartsAfterEndOfText() {
    String[] args = {"generate", "--model", folder.toString(), "--prompt", "", "--max-new-tokens", "5"};
    assertEquals(0, run(args), err.toString());
    long[] gen = new Generator(model).generate(List.of(new long[] {eos}), new GenerationConfig(5, 0, 0, 1, 1, Set.of((long) eos), eos, 0)).tokens().get(0);
    int[] all = new int[gen.length + 1];
    all[0] = eos;
    for (int i = 0; i < gen.length; i++) all[i + 1] = (int) gen[i];
    assertEquals(tokenizer.decode(all, true) + System.lineSeparator(), out.toString());
  }

  @Test
  void clearErrors() throws Exception {
    assertEquals(1, run("generate", "--model", folder.toString(), "--prompt", PROMPT, "--max-new-tokens", "62"));
    int n = tokenizer.encode(PROMPT).length();
    assertTrue(err.toString().contains("the prompt has " + n + " tokens; with --max-new-tokens 62 that exceeds the model's 64 positions (at most "
        + (64 - n) + " new tokens fit)"), err.toString());
    assertEquals(2, run("generate", "--model", folder.toString(), "--prompt", PROMPT, "--top-p", "0"));
    assertTrue(err.toString().contains("--top-p must be in (0, 1], got 0.0"), err.toString());
    assertEquals(2, run("generate", "--model", folder.toString(), "--prompt", PROMPT, "--temperature", "-1"));
    assertTrue(err.toString().contains("--temperature must be >= 0, got -1.0"), err.toString());
    Path bert = dir.resolve("bert");
    HfCheckpoint.save(new Bert(new TransformerConfig(tokenizer.vocabSize(), 16, 2, 16, 1, 2, 32, 1e-12, Activation.GELU_ERF, 0, 0), true, new Rng(1)), bert);
    tokenizer.save(bert.resolve("tokenizer.json"));
    assertEquals(1, run("generate", "--model", bert.toString(), "--prompt", PROMPT));
    assertTrue(err.toString().contains("holds a BertModel") && err.toString().contains("needs a GPT-2 language model (GPT2LMHeadModel)"), err.toString());
    assertEquals(1, run("generate", "--model", dir.resolve("nothing").toString(), "--prompt", PROMPT));
    assertTrue(err.toString().contains("cannot load the model folder") && err.toString().contains("nothing"), err.toString());
  }
}
