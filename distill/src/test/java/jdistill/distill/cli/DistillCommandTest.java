package jdistill.distill.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdistill.engine.Rng;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.WordPieceTrainer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jdistill distill} on a tiny generated task: a run, a resumed run, and config errors before training. */
class DistillCommandTest {

  /** Runs the command line; returns {exit code, stdout, stderr}. */
  private static Object[] run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  /** A teacher folder, train/eval JSONL and a kd + hard config in {@code dir}. */
  private static Path setUp(Path dir, String methods) throws Exception {
    List<String> lines = new ArrayList<>();
    StringBuilder train = new StringBuilder();
    StringBuilder eval = new StringBuilder();
    Rng r = new Rng(1);
    String[] good = {"good", "great", "nice"};
    String[] bad = {"bad", "awful", "dull"};
    for (int i = 0; i < 80; i++) {
      boolean pos = r.nextInt(2) == 0;
      String text = "the film was " + (pos ? good[r.nextInt(3)] : bad[r.nextInt(3)]);
      lines.add(text);
      (i < 60 ? train : eval).append(String.format(Locale.ROOT, "{\"text\": \"%s\", \"label\": %d}%n", text, pos ? 1 : 0));
    }
    Files.writeString(dir.resolve("train.jsonl"), train, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("eval.jsonl"), eval, StandardCharsets.UTF_8);
    Tokenizer tok = WordPieceTrainer.bert(60).train(lines);
    TransformerConfig c = new TransformerConfig(tok.vocabSize(), 16, 2, 16, 2, 2, 32, 1e-12, Activation.GELU_ERF, 0.1, 0.1);
    HfCheckpoint.save(new BertForSequenceClassification(c, 2, new Rng(2)), dir.resolve("teacher"));
    tok.save(dir.resolve("teacher/tokenizer.json"));
    Path cfg = dir.resolve("distill.yaml");
    Files.writeString(cfg, """
        teacher: {path: teacher}
        student: {from_teacher: {layers: [0]}}
        task: {type: sequence_classification}
        data: {train: train.jsonl, eval: eval.jsonl, batch_size: 12, max_length: 12}
        methods:
        %s
        optimizer: {lr: 0.003, schedule: constant}
        training: {steps: 6, log_every: 2, output: out}
        """.formatted(methods), StandardCharsets.UTF_8);
    return cfg;
  }

  private static final String KD_HARD = """
        - {name: kd, options: {temperature: 2.0}}
        - {name: hard, weight: 0.5}""";

  @Test
  void runsAConfigAndPrintsTheComparison(@TempDir Path dir) throws Exception {
    Path cfg = setUp(dir, KD_HARD);
    Object[] r = run("distill", "--config", cfg.toString(), "--set", "training.seed=9", "--output", dir.resolve("elsewhere").toString());
    assertEquals(0, r[0], r[2].toString());
    String out = (String) r[1];
    assertTrue(out.contains("main step 6/6"), out);
    assertTrue(out.contains("student / teacher") && out.contains("accuracy") && out.contains("parameters"), out);
    Path run = dir.resolve("elsewhere");
    assertTrue(Files.isRegularFile(run.resolve("metrics.jsonl")));
    assertTrue(Files.readString(run.resolve("report.md")).contains("accuracy"));
    assertTrue(Files.readString(run.resolve("config.yaml")).contains("seed: 9"));
    assertEquals(1, HfCheckpoint.load(run.resolve("student")).spec().config().layers());
    assertFalse(Files.exists(dir.resolve("out")), "--output replaces training.output");
  }

  @Test
  void aResumedRunEndsWhereAnUninterruptedOneDoes(@TempDir Path dir) throws Exception {
    Path cfg = setUp(dir, KD_HARD);
    Path whole = dir.resolve("whole");
    assertEquals(0, run("distill", "--config", cfg.toString(), "--set", "training.steps=24", "--output", whole.toString())[0]);
    // interrupted after 9 of the 24 steps, then resumed with the full count
    assertEquals(0, run("distill", "--config", cfg.toString(), "--set", "training.steps=9")[0]);
    Object[] again = run("distill", "--config", cfg.toString());
    assertEquals(2, again[0]);
    assertTrue(again[2].toString().contains("--resume"), again[2].toString());
    Object[] r = run("distill", "--config", cfg.toString(), "--resume", "--set", "training.steps=24");
    assertEquals(0, r[0], r[2].toString());
    assertTrue(r[1].toString().contains("resumed from") && r[1].toString().contains("main step 24/24"), r[1].toString());
    assertArrayEquals(Files.readAllBytes(whole.resolve("student/model.safetensors")), Files.readAllBytes(dir.resolve("out/student/model.safetensors")));
  }

  @Test
  void resumingWithOtherMethodsIsAnError(@TempDir Path dir) throws Exception {
    Path cfg = setUp(dir, KD_HARD);
    assertEquals(0, run("distill", "--config", cfg.toString())[0]);
    Object[] r = run("distill", "--config", cfg.toString(), "--resume", "--set", "methods.1.name=pkd");
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("cannot resume stage main") && r[2].toString().contains("[kd, hard]"), r[2].toString());
  }

  @Test
  void anUnknownMethodOptionFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = setUp(dir, """
        - {name: kd, options: {temprature: 2.0}}""");
    Object[] r = run("distill", "--config", cfg.toString());
    assertEquals(2, r[0]);
    String err = r[2].toString();
    assertTrue(err.contains("distill.yaml: methods.0.options.temprature") && err.contains("method 'kd' has no option 'temprature'") && err.contains("temperature"), err);
    assertFalse(Files.exists(dir.resolve("out")), "nothing may be written before the config is valid");
  }

  @Test
  void aMissingConfigIsAnError(@TempDir Path dir) {
    Object[] r = run("distill", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(2, r[0]);
    assertTrue(r[2].toString().contains("no such file"), r[2].toString());
  }
}
