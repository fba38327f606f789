package jdistill.distill.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.train.Evaluator;
import jdistill.distill.train.ListBatchSource;
import jdistill.distill.train.MetricGoal;
import jdistill.distill.train.TrainConfig;
import jdistill.distill.train.TrainResult;
import jdistill.distill.train.TrainSetup;
import jdistill.distill.train.Trainer;
import jdistill.distill.train.WeightedMethod;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.ops.Reduction;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train a tiny student, then write the whole report: plots, export, sizes, speeds, Markdown and HTML. */
class RunReportTest {

  static final class Kd implements Method {
    @Override
    public String name() {
      return "kd";
    }

    @Override
    public List<TapRequest> taps() {
      return List.of();
    }

    @Override
    public Map<String, Tensor> losses(StepView v) {
      return Map.of("kl", F.klDiv(v.student().logits(), v.teacher().logits(), 2.0, null));
    }
  }

  private static Batch batch(long seed) {
    Rng r = new Rng(seed);
    long[] ids = new long[4 * 8];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(20);
    long[] labels = new long[ids.length];
    for (int i = 0; i < ids.length; i++) labels[i] = i % 8 == 7 ? -100 : ids[i + 1];
    return new Batch(Tensor.ofLongs(ids, 4, 8), null, null, Tensor.ofLongs(labels, 4, 8));
  }

  private static double loss(DistillModel m, Batch b) {
    try (Scope s = Scope.open()) {
      return F.crossEntropy(m.forward(b, new TapRecorder()).logits(), b.labels(), -100, 0, Reduction.MEAN).item();
    }
  }

  @Test
  void writesPlotsExportAndAComparisonWithTheMeasuredNumbers(@TempDir Path dir) throws Exception {
    TransformerConfig tc = new TransformerConfig(20, 16, 0, 32, 2, 2, 64, 1e-5, Activation.GELU_TANH, 0, 0);
    DistillModel teacher = DistillModels.of(new Gpt2(tc, new Rng(1)));
    Rng rng = new Rng(2);
    DistillModel student = DistillModels.of(new Gpt2(tc.withSize(1, 16, 2, 32), rng));
    Batch held = batch(100);
    Evaluator eval = (s, step) -> Map.of("loss", loss(s, held));
    Path run = dir.resolve("run");
    TrainConfig cfg = TrainConfig.of(6, 3e-3, run).withEval(3, MetricGoal.min("loss")).withLogEvery(1).withProgressBar(false);
    List<Batch> batches = new ArrayList<>(List.of(batch(1), batch(2), batch(3)));
    Trainer trainer = new Trainer(new TrainSetup(student, teacher, List.of(WeightedMethod.of(new Kd(), 1.0)), new ListBatchSource(batches, true, 4), eval, rng, cfg, null));
    TrainResult result = trainer.run();

    Path tok = dir.resolve("tok");
    Files.createDirectories(tok);
    Files.writeString(tok.resolve("tokenizer.json"), "{\"model\":{}}");
    Files.writeString(tok.resolve("tokenizer_config.json"), "{}");
    Map<String, Double> teacherMetrics = Map.of("loss", loss(teacher, held));
    Map<String, Double> studentMetrics = new LinkedHashMap<>(result.lastEval());
    var out = RunReport.write(run, new RunReport.Inputs("tiny distillation", teacher, student, null, tok, held, new SpeedProbe(1, 2, 2), teacherMetrics, studentMetrics,
        Map.of("methods", "kd x 1.0"), result));

    // the export loads back as an HF folder with the student's exact weights, tokenizer beside it
    Path exported = run.resolve("student");
    assertEquals(List.of("tokenizer.json", "tokenizer_config.json"), out.student().tokenizerFiles());
    assertTrue(Files.isRegularFile(exported.resolve("tokenizer.json")));
    HfCheckpoint.Loaded back = HfCheckpoint.load(exported);
    try (Scope s = Scope.open()) {
      for (var e : student.module().stateDict().entrySet()) assertArrayEquals(e.getValue().toFloatArray(), back.model().stateDict().get(e.getKey()).toFloatArray(), 0f, e.getKey());
    }

    // the report states the real counts, sizes, metrics and links existing plots
    String md = Files.readString(out.files().markdown());
    ModelFacts t = out.report().teacher();
    ModelFacts s = out.report().student();
    assertEquals(teacher.module().numParameters(), t.parameters());
    assertEquals(student.module().numParameters(), s.parameters());
    assertTrue(s.diskBytes() > 0 && s.diskBytes() < t.diskBytes(), s.diskBytes() + " vs " + t.diskBytes());
    assertEquals(Files.size(exported.resolve("model.safetensors")) + Files.size(exported.resolve("config.json")), s.diskBytes());
    assertTrue(t.speed().tokensPerSecond() > 0 && s.speed().tokensPerSecond() > 0);
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| parameters | %,d | %,d |", t.parameters(), s.parameters())), md);
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "(%,d bytes)", s.diskBytes())), md);
    assertTrue(md.contains("| loss | " + DistillReport.number(teacherMetrics.get("loss")) + " | " + DistillReport.number(studentMetrics.get("loss")) + " |"), md);
    assertTrue(md.contains("| best loss | " + DistillReport.number(result.best().value()) + " at step " + result.best().step() + " |"), md);
    assertTrue(md.contains("| steps | 6 |"), md);
    for (String png : List.of("training-loss.png", "learning-rate.png", "eval-loss.png")) {
      assertTrue(md.contains("](plots/" + png + ")"), md);
      PlotsTest.assertPng(run.resolve("plots").resolve(png), 900, 500);
    }
    String html = Files.readString(out.files().html());
    assertTrue(html.contains("data:image/png;base64,"), "plots embedded in the HTML");
    assertEquals(3, html.split("data:image/png;base64,").length - 1);
    try (var l = Files.list(run)) {
      assertTrue(l.noneMatch(p -> p.getFileName().toString().startsWith(".tmp")), "no temporary folders left");
    }
  }
}
