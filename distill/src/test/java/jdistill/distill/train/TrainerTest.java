package jdistill.distill.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.optim.LrSchedule;
import jdistill.models.gpt2.Gpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  private static Trainer trainer(Path out, TrainConfig cfg, List<WeightedMethod> methods, Evaluator eval, DistillModel student) {
    return new Trainer(new TrainSetup(student, TinyRun.teacher(), methods, new ListBatchSource(TinyRun.batches(4, 2, 42), true, 1), eval, new Rng(TinyRun.SEED), cfg, null));
  }

  private static DistillModel student() {
    return DistillModels.of(new Gpt2(TinyRun.studentConfig(0.0), new Rng(TinyRun.SEED)));
  }

  /** Cross-entropy plus a term that is NaN at step index {@code badStep}. */
  static final class NanAt implements Method {
    private final long badStep;

    NanAt(long badStep) {
      this.badStep = badStep;
    }

    @Override
    public String name() {
      return "nan";
    }

    @Override
    public List<TapRequest> taps() {
      return List.of();
    }

    @Override
    public Map<String, Tensor> losses(StepView v) {
      Tensor ce = TinyRun.ce(v.student().logits(), v.batch().labels());
      Tensor bad = v.step() == badStep ? Tensor.scalar(Double.NaN) : ce.mul(0.0);
      return new java.util.LinkedHashMap<>(Map.of("ce", ce, "bad", bad));
    }

    @Override
    public boolean needsTeacher() {
      return false;
    }
  }

  @Test
  void nanLossStopsWithStepTermsAndLastGoodCheckpoint(@TempDir Path dir) throws Exception {
    TrainConfig cfg = TinyRun.config(10, dir).withCheckpointEvery(2);
    Trainer t = trainer(dir, cfg, List.of(WeightedMethod.of(new NanAt(3), 0.5)), null, student());
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class, t::run);
    String m = e.getMessage();
    Path good = dir.resolve("checkpoints").resolve("step-00000002");
    assertTrue(m.contains("loss is NaN at step 3"), m);
    assertTrue(m.contains("nan.bad = NaN"), m);
    assertTrue(m.matches("(?s).*nan\\.ce = \\d+\\.\\d+.*"), m);
    assertTrue(m.contains("method weight 0.5"), m);
    assertTrue(m.contains("last good checkpoint: " + good + " (step 2)"), m);
    assertEquals(3, e.stepIndex());
    assertEquals(good, e.lastGoodCheckpoint());
    assertEquals(3, t.step(), "steps 0..2 completed");
    assertEquals(good, t.checkpoints().last().orElseThrow());
    // the named checkpoint is complete and resumable
    assertEquals(2, Checkpoint.open(good).state().step());
  }

  @Test
  void nanWithoutACheckpointSaysSo(@TempDir Path dir) {
    Trainer t = trainer(dir, TinyRun.config(10, dir), List.of(WeightedMethod.of(new NanAt(0), 1.0)), null, student());
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class, t::run);
    assertTrue(e.getMessage().contains("none was written"), e.getMessage());
    assertEquals(null, e.lastGoodCheckpoint());
  }

  @Test
  void shutdownHookStopsAfterTheCurrentStepAndSaves(@TempDir Path dir) throws Exception {
    Trainer t = trainer(dir, TinyRun.config(50, dir).withLogEvery(5), List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), null, student());
    Thread hook = t.installShutdownHook(Duration.ofSeconds(60));
    List<Thread> started = new ArrayList<>();
    t.addStepListener(s -> {
      if (s.step() == 2) {
        Thread th = new Thread(hook::run); // what the JVM does on Ctrl-C
        th.start();
        started.add(th);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!t.stopRequested() && System.nanoTime() < deadline) Thread.onSpinWait();
      }
    });
    TrainResult r = t.run();
    assertTrue(r.stopped());
    assertEquals(2, r.steps());
    Path cp = dir.resolve("checkpoints").resolve("step-00000002");
    assertEquals(cp, r.lastCheckpoint());
    assertEquals(cp, t.checkpoints().last().orElseThrow());
    assertEquals(2, Checkpoint.open(cp).state().step());
    assertEquals(List.of(2L), MetricsHistory.read(dir.resolve("metrics.jsonl")).train().stream().map(MetricsHistory.TrainPoint::step).toList(), "the last step is logged on stop");
    started.get(0).join(10_000);
    assertFalse(started.get(0).isAlive(), "the hook returns once the checkpoint is saved");
    assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "run() unregistered the hook");
  }

  @Test
  void bestAndLastCheckpointsFollowTheMetric(@TempDir Path dir) throws Exception {
    double[] script = {5.0, 3.0, 4.0}; // at steps 2, 4, 6
    Evaluator eval = (s, step) -> Map.of("ppl", script[(int) step / 2 - 1], "acc", step / 10.0);
    TrainConfig cfg = TinyRun.config(6, dir).withEval(2, MetricGoal.min("ppl"));
    DistillModel student4 = student();
    Trainer t = trainer(dir, cfg, List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), eval, student4);
    TrainResult r = t.run();
    assertEquals(3.0, r.best().value(), 0.0);
    assertEquals(4, r.best().step());
    Path ck = dir.resolve("checkpoints");
    assertEquals(ck.resolve("step-00000004"), t.checkpoints().best().orElseThrow());
    assertEquals(ck.resolve("step-00000006"), t.checkpoints().last().orElseThrow());
    try (Stream<Path> s = Files.list(ck)) {
      assertEquals(List.of("BEST", "LAST", "step-00000004", "step-00000006"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    // restoreBest puts the step-4 weights back into the student
    Map<String, float[]> atEnd = TinyRun.weights(student4);
    assertEquals(ck.resolve("step-00000004"), t.restoreBest());
    Map<String, float[]> restored = TinyRun.weights(student4);
    try (jdistill.engine.Scope sc = jdistill.engine.Scope.open()) {
      var saved = Checkpoint.open(ck.resolve("step-00000004")).student();
      for (String k : restored.keySet()) assertArrayEquals(saved.get(k).toFloatArray(), restored.get(k), 0f, k);
    }
    assertFalse(java.util.Arrays.equals(atEnd.get("transformer.wte.weight"), restored.get("transformer.wte.weight")), "weights changed after step 4");
    RunState last = Checkpoint.open(ck.resolve("step-00000006")).state();
    assertEquals(3.0, last.best().value(), 0.0);
    assertEquals("step-00000004", last.best().checkpoint());
    // max direction picks the highest
    Path dir2 = dir.resolve("max");
    Trainer t2 = trainer(dir2, TinyRun.config(6, dir2).withEval(2, MetricGoal.max("ppl")), List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), eval, student());
    assertEquals(5.0, t2.run().best().value(), 0.0);
    // a missing goal metric is an error listing what was returned
    Path dir3 = dir.resolve("missing");
    Trainer t3 = trainer(dir3, TinyRun.config(2, dir3).withEval(2, MetricGoal.min("bleu")), List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), eval, student());
    var e = assertThrows(IllegalStateException.class, t3::run);
    assertTrue(e.getMessage().contains("'bleu'") && e.getMessage().contains("ppl"), e.getMessage());
  }

  @Test
  void metricsJsonlHasOneLinePerLogStepAndPerEvaluation(@TempDir Path dir) throws Exception {
    TrainConfig cfg = TinyRun.config(4, dir).withEval(2, null).withLogEvery(2);
    List<StepStats> steps = new ArrayList<>();
    Trainer t = trainer(dir, cfg, List.of(WeightedMethod.linear(new TinyRun.TestKd(16, 32), 1.0, 0.0), WeightedMethod.of(new TinyRun.HardLabels(), 0.25)),
        TinyRun.heldOutLoss(TinyRun.batches(1, 2, 9).get(0)), student());
    t.addStepListener(steps::add);
    t.run();
    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertEquals(4, lines.size(), String.join("\n", lines));
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertEquals("train", first.get("type").asText());
    assertEquals(2, first.get("step").asLong());
    // a logged line holds the means over the steps since the previous one (steps 1 and 2 here)
    assertEquals((steps.get(0).loss() + steps.get(1).loss()) / 2, first.get("loss").asDouble(), 1e-15);
    for (String term : List.of("kd.kl", "kd.ce", "kd.hidden", "ce.ce")) {
      assertEquals((steps.get(0).terms().get(term) + steps.get(1).terms().get(term)) / 2, first.get("terms").get(term).asDouble(), 1e-15, term);
    }
    assertEquals(steps.get(1).lr(), first.get("lr").asDouble(), 0.0);
    assertTrue(first.get("tokens_per_s").asDouble() > 0);
    JsonNode eval = json.readTree(lines.get(1));
    assertEquals("eval", eval.get("type").asText());
    assertEquals(2, eval.get("step").asLong());
    assertTrue(eval.get("metrics").get("eval_loss").asDouble() > 0);
    // the weighted total is the sum of the weighted terms; weights follow the schedule (progress = index / steps)
    for (StepStats s : steps) {
      double p = (s.step() - 1) / 4.0;
      assertEquals(1.0 - p, s.weights().get("kd"), 1e-12);
      assertEquals(0.25, s.weights().get("ce"), 0.0);
      double expected = (1.0 - p) * (s.terms().get("kd.kl") + s.terms().get("kd.ce") + s.terms().get("kd.hidden")) + 0.25 * s.terms().get("ce.ce");
      assertEquals(expected, s.loss(), 1e-5 * Math.abs(expected));
      assertEquals(2 * TinyRun.SEQ, s.tokens());
    }
    // extras were trained and checkpointed
    assertFalse(t.extras().isEmpty());
    Path last = t.checkpoints().last().orElseThrow();
    assertTrue(Files.size(last.resolve(Checkpoint.EXTRAS)) > 0);
  }

  @Test
  void accumulatingTwoHalvesEqualsOneFullBatch(@TempDir Path dir) throws Exception {
    List<Batch> full = TinyRun.batches(1, 4, 21);
    long[] ids = full.get(0).inputIds().toLongArray();
    long[] labels = full.get(0).labels().toLongArray();
    List<Batch> halves = new ArrayList<>();
    for (int h = 0; h < 2; h++) {
      long[] i = java.util.Arrays.copyOfRange(ids, h * 2 * TinyRun.SEQ, (h + 1) * 2 * TinyRun.SEQ);
      long[] l = java.util.Arrays.copyOfRange(labels, h * 2 * TinyRun.SEQ, (h + 1) * 2 * TinyRun.SEQ);
      halves.add(new Batch(Tensor.ofLongs(i, 2, TinyRun.SEQ), null, null, Tensor.ofLongs(l, 2, TinyRun.SEQ)));
    }
    // three steps over the same data: k=2 halves must give the full batch's loss, gradient norm and update
    DistillModel a = student();
    DistillModel b = student();
    TrainConfig base = TinyRun.config(3, dir.resolve("a")).withMaxGradNorm(0.5).withLrSchedule(LrSchedule.constant(1e-2));
    Trainer ta = new Trainer(new TrainSetup(a, null, List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), new ListBatchSource(full, false, 0), null, new Rng(1), base, null));
    Trainer tb = new Trainer(new TrainSetup(b, null, List.of(WeightedMethod.of(new TinyRun.HardLabels(), 1.0)), new ListBatchSource(halves, false, 0), null, new Rng(1),
        base.withOutputDir(dir.resolve("b")).withMicroBatches(2), null));
    List<StepStats> sa = new ArrayList<>();
    List<StepStats> sb = new ArrayList<>();
    ta.addStepListener(sa::add);
    tb.addStepListener(sb::add);
    ta.run();
    tb.run();
    for (int i = 0; i < 3; i++) {
      assertEquals(sa.get(i).loss(), sb.get(i).loss(), 1e-5, "loss at step " + (i + 1));
      assertEquals(sa.get(i).gradNorm(), sb.get(i).gradNorm(), 1e-4 * sa.get(i).gradNorm(), "grad norm at step " + (i + 1));
    }
    assertTrue(sa.get(2).loss() < sa.get(0).loss(), "the loss went down");
    assertTrue(sa.get(0).gradNorm() > 0.5, "clipping is active in this test");
    Map<String, float[]> wa = TinyRun.weights(a);
    Map<String, float[]> wb = TinyRun.weights(b);
    for (String k : wa.keySet()) assertArrayEquals(wa.get(k), wb.get(k), 2e-5f, k);
    assertNotNull(ta.checkpoints().last().orElse(null));
  }

  @Test
  void setupRejectsAMethodThatNeedsAMissingTeacher(@TempDir Path dir) {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainSetup(student(), null, List.of(WeightedMethod.of(new TinyRun.TestKd(16, 32), 1.0)),
        new ListBatchSource(TinyRun.batches(1, 2, 1), false, 0), null, new Rng(1), TinyRun.config(1, dir), null));
    assertTrue(e.getMessage().contains("'kd' needs a teacher"), e.getMessage());
  }
}
