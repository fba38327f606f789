package jdistill.distill.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdistill.distill.config.ConfigException;
import jdistill.distill.train.CheckpointStore;
import jdistill.distill.train.MetricsHistory;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.io.Safetensors;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.run.BatchForward;
import jdistill.models.run.ModelFolder;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.TapRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a tiny BERT teacher and a generated classification set: report, export, resume, and the checks before training. */
class ExperimentTest {

  @TempDir static Path shared;
  static Path teacher;
  static Tokenizer tokenizer;

  @BeforeAll
  static void teacherAndData() throws Exception {
    tokenizer = Fixtures.wordPiece();
    teacher = Fixtures.saveModel(new BertForSequenceClassification(Fixtures.bertConfig(tokenizer.vocabSize(), 2, 32, 2), 2, new Rng(3)), tokenizer, shared.resolve("teacher"));
    Fixtures.writeJsonl(shared.resolve("data/train.jsonl"), Fixtures.rows(1, 96));
    Fixtures.writeJsonl(shared.resolve("data/eval.jsonl"), Fixtures.rows(2, 40));
  }

  /** A kd + hard config on the shared teacher and data, written into {@code dir}. */
  static Path config(Path dir, String student, long steps, String extra) throws Exception {
    String yaml = """
        teacher: {path: %s}
        student: %s
        task: {type: sequence_classification}
        data: {train: %s, eval: %s, batch_size: 16, max_length: 16}
        methods:
          - {name: kd, options: {temperature: 2.0, alpha: 0.7}}
          - {name: hard, weight: 0.5}
        optimizer: {lr: 0.002, schedule: constant}
        training: {steps: %d, log_every: 4, eval_every: 6, seed: 5, output: run}
        %s
        """.formatted(teacher, student, shared.resolve("data/train.jsonl"), shared.resolve("data/eval.jsonl"), steps, extra);
    return Fixtures.writeConfig(dir.resolve("experiment.yaml"), yaml);
  }

  static ExperimentOptions quiet() {
    return ExperimentOptions.defaults(null);
  }

  @Test
  void runWritesMetricsReportPlotsAndALoadableStudent(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(log, true, StandardCharsets.UTF_8);
    ExperimentResult r = Experiment.load(config(dir, "{from_teacher: {layers: [1]}}", 12, ""), List.of(), ExperimentOptions.defaults(console)).run();
    Path run = dir.resolve("run");
    assertEquals(run, r.output());
    assertFalse(r.stopped());
    assertEquals(12, r.stages().get(0).steps());

    MetricsHistory h = MetricsHistory.read(run.resolve("metrics.jsonl"));
    assertEquals(List.of(4L, 8L, 12L), h.train().stream().map(MetricsHistory.TrainPoint::step).toList());
    assertEquals(List.of(6L, 12L), h.eval().stream().map(MetricsHistory.EvalPoint::step).toList());
    assertTrue(h.termNames().containsAll(List.of("kd.soft", "kd.hard", "hard.hard")), h.termNames().toString());
    assertEquals(List.of("accuracy", "macro_f1", "agreement"), h.metricNames());

    String md = Files.readString(r.report());
    for (String s : List.of("accuracy", "macro_f1", "agreement", "parameters", "inference speed", "kd (weight 1.0", "plots/")) assertTrue(md.contains(s), s + " missing in\n" + md);
    assertTrue(Files.isRegularFile(r.html()));
    try (var pngs = Files.list(run.resolve("plots"))) {
      assertTrue(pngs.anyMatch(p -> p.toString().endsWith(".png")));
    }
    assertTrue(Files.isRegularFile(run.resolve("config.yaml")));

    // the teacher agrees with itself; the student's figures are in range
    assertEquals(1.0, r.teacher().metrics().get("agreement"), 0.0);
    double acc = r.student().metrics().get("accuracy");
    assertTrue(acc >= 0 && acc <= 1);
    assertTrue(r.teacher().speed() != null && r.student().speed() != null);
    assertTrue(r.parameterRatio() < 1);

    // the exported student loads back, with the tokenizer and the label names, and its accuracy
    // recomputed here example by example equals the reported one
    HfCheckpoint.Loaded loaded = HfCheckpoint.load(r.studentDir());
    BertForSequenceClassification student = (BertForSequenceClassification) loaded.model();
    assertEquals(1, student.config().layers());
    assertEquals(r.student().parameters(), student.numParameters());
    assertTrue(Files.isRegularFile(r.studentDir().resolve("tokenizer.json")));
    assertTrue(Files.readString(r.studentDir().resolve("config.json")).contains("\"pos\""));
    Tokenizer tok = Tokenizer.load(r.studentDir());
    List<Fixtures.Row> eval = Fixtures.rows(2, 40);
    int correct = 0;
    student.eval();
    try (var g = GradMode.noGrad(); Scope s = Scope.open()) {
      for (Fixtures.Row row : eval) {
        int[] ids = tok.encode(row.text()).ids();
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        Tensor logits = student.forward(Tensor.ofLongs(l, 1, l.length), null, null, new TapRecorder()).logits();
        int predicted = (int) logits.argmax(-1, false).toLongArray()[0];
        if (predicted == (row.label().equals("pos") ? 1 : 0)) correct++;
      }
    }
    assertEquals(acc, correct / (double) eval.size(), 1.0 / eval.size() + 1e-9);
    String printed = log.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("main step 12/12"), printed);
    assertTrue(printed.contains("student / teacher"), printed);
  }

  /**
   * The exported student (config with label names, weights, the trained tokenizer.json) loads in
   * Hugging Face transformers unchanged and computes what jdistill computes
   * ({@code models/src/test/python/hf_parity.py}); skipped where python3 lacks torch and transformers.
   */
  @Test
  void exportedStudentLoadsInTransformers(@TempDir Path dir) throws Exception {
    Process probe = new ProcessBuilder("python3", "-c", "import torch, transformers, safetensors").redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    assumeTrue(probe.waitFor() == 0, "python3 with torch and transformers is not installed");
    ExperimentResult r = Experiment.load(config(dir, "{from_teacher: {layers: [1]}}", 4, ""), List.of(), quiet()).run();
    List<String> lines = List.of("a good film", "not a bad day at all, but the end was weak", "");
    var folder = ModelFolder.load(r.studentDir());
    var ours = BatchForward.run(folder, lines, BatchForward.Options.defaults());
    Path expected = dir.resolve("expected.safetensors");
    Safetensors.save(expected, ours.tensors());
    Path text = dir.resolve("lines.txt");
    Files.writeString(text, String.join("\n", lines));
    Path script = Path.of("../models/src/test/python/hf_parity.py").toAbsolutePath().normalize();
    Process p = new ProcessBuilder("python3", script.toString(), r.studentDir().toString(), expected.toString(), text.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "transformers disagrees with the exported student:\n" + out);
    assertTrue(out.contains("ok BertForSequenceClassification loaded"), out);
  }

  @Test
  void exportBestExportsAndReportsTheBestCheckpointsStudent(@TempDir Path dir) throws Exception {
    String student = "{fresh: {layers: 1, hidden: 16, heads: 2}}";
    ExperimentResult r = Experiment.load(config(dir, student, 24, "evaluation: {best_by: accuracy, export: best}"), List.of(), quiet()).run();
    Path bestPointer;
    try (var files = Files.walk(r.output())) {
      bestPointer = files.filter(f -> f.getFileName().toString().equals("BEST")).findFirst().orElseThrow();
    }
    Path best = bestPointer.resolveSibling(Files.readString(bestPointer).trim());
    // accuracy never improves on its first value in this short run, so the best is step 6, not the last step
    assertEquals(CheckpointStore.folderName(6), best.getFileName().toString());
    Map<String, float[]> checkpoint = Fixtures.tensors(best.resolve("student.safetensors"));
    Map<String, float[]> exported = Fixtures.tensors(r.studentDir().resolve("model.safetensors"));
    assertFalse(checkpoint.isEmpty());
    for (var e : checkpoint.entrySet()) {
      assertTrue(exported.containsKey(e.getKey()), e.getKey() + " missing from the export " + exported.keySet());
      assertArrayEquals(e.getValue(), exported.get(e.getKey()), e.getKey());
    }
    // the best evaluation in the log is what the report measured on the exported student
    var h = MetricsHistory.read(r.output().resolve("metrics.jsonl"));
    double bestAccuracy = h.eval().stream().mapToDouble(p -> p.metrics().get("accuracy")).max().orElseThrow();
    assertEquals(bestAccuracy, r.student().metrics().get("accuracy"), 1e-12);

    var e = assertThrows(ConfigException.class, () -> Experiment.load(config(dir.resolve("x"), student, 4, "evaluation: {metrics: [accuracy], best_by: macro_f1}"), List.of(), quiet()).run());
    assertTrue(e.getMessage().contains("evaluation.best_by") && e.getMessage().contains("[accuracy]"), e.getMessage());
  }

  @Test
  void resumedRunEndsWithTheWeightsOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
    String student = "{fresh: {layers: 1, hidden: 16, heads: 2}}";
    ExperimentResult whole = Experiment.load(config(dir.resolve("a"), student, 14, ""), List.of(), quiet()).run();
    Path b = config(dir.resolve("b"), student, 5, "");
    ExperimentResult first = Experiment.load(b, List.of(), quiet()).run();
    assertEquals(5, first.stages().get(0).steps());
    ExperimentResult resumed = Experiment.load(b, List.of("training.steps=14"), quiet().withResume(true)).run();
    assertNotNull(resumed.stages().get(0).resumedFrom());
    assertEquals(14, resumed.stages().get(0).steps());
    Map<String, float[]> x = Fixtures.tensors(whole.studentDir().resolve("model.safetensors"));
    Map<String, float[]> y = Fixtures.tensors(resumed.studentDir().resolve("model.safetensors"));
    assertEquals(x.keySet(), y.keySet());
    for (String k : x.keySet()) assertArrayEquals(x.get(k), y.get(k), k);
    // and the two runs' logged losses agree: each line is the mean since the previous one, so the
    // interrupted run's extra line (step 5, one step) and the resumed run's step 8 (steps 6-8) make
    // up the uninterrupted run's step 8 (steps 5-8)
    var hx = MetricsHistory.read(whole.output().resolve("metrics.jsonl"));
    var hy = MetricsHistory.read(resumed.output().resolve("metrics.jsonl"));
    Map<Long, Double> lx = new java.util.TreeMap<>();
    Map<Long, Double> ly = new java.util.TreeMap<>();
    hx.train().forEach(t -> lx.put(t.step(), t.loss()));
    hy.train().forEach(t -> ly.put(t.step(), t.loss()));
    assertEquals(List.of(4L, 5L, 8L, 12L, 14L), List.copyOf(ly.keySet()));
    assertEquals(lx.get(8L), (ly.remove(5L) + 3 * ly.get(8L)) / 4, 1e-12);
    ly.put(8L, lx.get(8L));
    assertEquals(lx, ly);
  }

  @Test
  void anEarlierRunNeedsResumeOrOverwrite(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{from_teacher: {first: 1}}", 2, "");
    Experiment.load(cfg, List.of(), quiet()).run();
    ConfigException e = assertThrows(ConfigException.class, () -> Experiment.load(cfg, List.of(), quiet()).run());
    assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite"), e.getMessage());
    ExperimentResult again = Experiment.load(cfg, List.of(), quiet().withOverwrite(true)).run();
    assertNull(again.stages().get(0).resumedFrom());
    assertEquals(2, again.stages().get(0).steps());
  }

  /** Runs {@code cfg} and expects a failure before any training: no checkpoint, no metrics. */
  static RuntimeException failsBeforeTraining(Path dir, Path cfg) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> Experiment.load(cfg, List.of(), quiet()).run());
    assertFalse(Files.exists(dir.resolve("run/checkpoints")), "training started before the error: " + e.getMessage());
    assertFalse(Files.exists(dir.resolve("run/metrics.jsonl")));
    return e;
  }

  @Test
  void bf16OnTheCpuFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{from_teacher: {layers: [1]}}", 2, "");
    RuntimeException e = assertThrows(RuntimeException.class, () -> Experiment.load(cfg, List.of("training.dtype=bf16"), quiet()).run());
    assertTrue(e.getMessage().contains("training.dtype") && e.getMessage().contains("device: cuda"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("run/metrics.jsonl")));
  }

  @Test
  void layerOutOfRangeFailsBeforeTraining(@TempDir Path dir) throws Exception {
    var e = failsBeforeTraining(dir, config(dir, "{from_teacher: {layers: [0, 5]}}", 2, ""));
    assertTrue(e.getMessage().contains("student.from_teacher.layers.1") && e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test
  void methodLayerMapOutOfRangeFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{from_teacher: {layers: [0, 1]}}", 2, "");
    Path fixed = Fixtures.writeConfig(cfg, Files.readString(cfg).replace("{name: hard, weight: 0.5}", "{name: pkd, options: {teacher_layers: [7]}}"));
    var e = failsBeforeTraining(dir, fixed);
    assertTrue(e.getMessage().contains("methods.1") && e.getMessage().contains("teacher layer 7"), e.getMessage());
  }

  @Test
  void attentionTransferWithOtherHeadCountsFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{fresh: {layers: 1, hidden: 16, heads: 4}}", 2, "");
    Path fixed = Fixtures.writeConfig(cfg, Files.readString(cfg).replace("{name: hard, weight: 0.5}", "{name: minilm}"));
    var e = failsBeforeTraining(dir, fixed);
    assertTrue(e.getMessage().contains("methods.1") && e.getMessage().contains("heads"), e.getMessage());
  }

  @Test
  void missingColumnFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{from_teacher: {first: 1}}", 2, "");
    Path fixed = Fixtures.writeConfig(cfg, Files.readString(cfg).replace("max_length: 16}", "max_length: 16, columns: {label: sentiment}}"));
    var e = failsBeforeTraining(dir, fixed);
    assertTrue(e.getMessage().contains("train.jsonl") && e.getMessage().contains("no column 'sentiment'"), e.getMessage());
  }

  @Test
  void tokenizerOfAnotherVocabularyFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("other-tokenizer.json");
    jdistill.models.tokenizer.WordPieceTrainer.bert(60).train(Fixtures.lines(7, 200)).save(other);
    Path cfg = config(dir, "{from_teacher: {first: 1}}", 2, "");
    Path fixed = Fixtures.writeConfig(cfg, Files.readString(cfg).replace("max_length: 16}", "max_length: 16, tokenizer: other-tokenizer.json}"));
    var e = failsBeforeTraining(dir, fixed);
    assertTrue(e.getMessage().contains("data.tokenizer") && e.getMessage().contains("vocab_size is " + tokenizer.vocabSize()), e.getMessage());
  }

  @Test
  void metricTheTaskCannotGiveFailsBeforeTraining(@TempDir Path dir) throws Exception {
    var e = failsBeforeTraining(dir, config(dir, "{from_teacher: {first: 1}}", 2, "evaluation: {metrics: [accuracy, perplexity]}"));
    assertTrue(e.getMessage().contains("evaluation.metrics.1") && e.getMessage().contains("perplexity"), e.getMessage());
  }

  @Test
  void teacherOfTheWrongFamilyFailsBeforeTraining(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "{from_teacher: {first: 1}}", 2, "");
    Path fixed = Fixtures.writeConfig(cfg, Files.readString(cfg).replace("type: sequence_classification", "type: masked_lm"));
    var e = failsBeforeTraining(dir, fixed);
    assertTrue(e.getMessage().contains("teacher.path") && e.getMessage().contains("BertForMaskedLM") && e.getMessage().contains("task_teacher"), e.getMessage());
  }
}
