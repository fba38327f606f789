package jdistill.distill.train;

import jdistill.distill.data.BatchSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.engine.Rng;
import jdistill.models.gpt2.Gpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from a checkpoint gives bit-for-bit the losses and weights of an uninterrupted run:
 * dropout masks (the run's Rng), a method that draws from the Rng, trained extras, AdamW state,
 * a warm-up cosine schedule, gradient accumulation, a shuffled source crossing an epoch boundary
 * mid-step, and evaluation with a best checkpoint all have to come back exactly.
 */
class ResumeTest {

  static final long STEPS = 7;

  /** A whole run, built from nothing as a fresh process would. */
  record Run(Trainer trainer, DistillModel student, List<StepStats> steps) {}

  static Run build(Path out) {
    Rng rng = new Rng(TinyRun.SEED);
    DistillModel student = DistillModels.of(new Gpt2(TinyRun.studentConfig(0.1), rng));
    List<WeightedMethod> methods = List.of(WeightedMethod.linear(new TinyRun.TestKd(16, 32), 1.0, 0.5), WeightedMethod.of(new TinyRun.HardLabels(), 0.3));
    BatchSource data = new ListBatchSource(TinyRun.batches(5, 2, 42), true, 77);
    Evaluator eval = TinyRun.heldOutLoss(TinyRun.batches(1, 4, 43).get(0));
    TrainConfig cfg = TinyRun.config(STEPS, out).withMicroBatches(2).withEval(2, MetricGoal.min("eval_loss"));
    Trainer t = new Trainer(new TrainSetup(student, TinyRun.teacher(), methods, data, eval, rng, cfg, null));
    List<StepStats> steps = new ArrayList<>();
    t.addStepListener(steps::add);
    return new Run(t, student, steps);
  }

  @Test
  void resumedRunMatchesTheUninterruptedOneBitForBit(@TempDir Path dir) throws Exception {
    Run full = build(dir.resolve("full"));
    TrainResult fullResult = full.trainer().run();
    assertEquals(STEPS, fullResult.steps());
    assertEquals(STEPS, full.steps().size());

    // interrupted: stop after step 4 (the same call the Ctrl-C hook makes), checkpoint, then a fresh build resumes
    Path out = dir.resolve("split");
    Run first = build(out);
    first.trainer().addStepListener(s -> {
      if (s.step() == 4) first.trainer().requestStop();
    });
    TrainResult firstResult = first.trainer().run();
    assertTrue(firstResult.stopped());
    assertEquals(4, firstResult.steps());
    assertEquals(out.resolve("checkpoints").resolve("step-00000004"), firstResult.lastCheckpoint());

    Run second = build(out);
    second.trainer().resumeFrom(out);
    assertEquals(4, second.trainer().step());
    TrainResult secondResult = second.trainer().run();
    assertFalse(secondResult.stopped());
    assertEquals(STEPS, secondResult.steps());

    List<StepStats> joined = new ArrayList<>(first.steps());
    joined.addAll(second.steps());
    assertEquals(STEPS, joined.size());
    for (int i = 0; i < STEPS; i++) {
      StepStats a = full.steps().get(i);
      StepStats b = joined.get(i);
      assertEquals(a.step(), b.step());
      assertEquals(Double.doubleToLongBits(a.loss()), Double.doubleToLongBits(b.loss()), "loss at step " + a.step() + ": " + a.loss() + " vs " + b.loss());
      assertEquals(a.terms(), b.terms(), "terms at step " + a.step());
      assertEquals(a.lr(), b.lr(), 0.0, "lr at step " + a.step());
      assertEquals(a.gradNorm(), b.gradNorm(), 0.0, "grad norm at step " + a.step());
      assertEquals(a.epoch(), b.epoch());
    }
    // the run really moved: losses differ across steps, and the data crossed into epoch 1
    assertNotEquals(full.steps().get(0).loss(), full.steps().get((int) STEPS - 1).loss());
    assertTrue(full.steps().get((int) STEPS - 1).epoch() >= 1);

    Map<String, float[]> wa = TinyRun.weights(full.student());
    Map<String, float[]> wb = TinyRun.weights(second.student());
    assertEquals(wa.keySet(), wb.keySet());
    for (String k : wa.keySet()) assertArrayEquals(wa.get(k), wb.get(k), 0f, k);
    assertEquals(fullResult.best(), secondResult.best());
    assertEquals(fullResult.lastEval(), secondResult.lastEval());

    // the resumed run's metrics file holds each step once
    MetricsHistory h = MetricsHistory.read(out.resolve("metrics.jsonl"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), h.train().stream().map(MetricsHistory.TrainPoint::step).toList());
    assertEquals(List.of(2L, 4L, 6L, 7L), h.eval().stream().map(MetricsHistory.EvalPoint::step).toList());
  }

  @Test
  void resumeChecksSeedAndGeneratorPosition(@TempDir Path dir) throws Exception {
    Run first = build(dir);
    first.trainer().addStepListener(s -> first.trainer().requestStop());
    first.trainer().run();
    Run again = build(dir);
    again.trainer().resumeFrom(dir); // fine
    var e = assertThrows(IllegalArgumentException.class, () -> Trainer.advanceRng(new Rng(1), TinyRun.SEED, 10, dir));
    assertTrue(e.getMessage().contains("seeded " + TinyRun.SEED), e.getMessage());
    Rng ahead = new Rng(TinyRun.SEED, 50);
    var e2 = assertThrows(IllegalStateException.class, () -> Trainer.advanceRng(ahead, TinyRun.SEED, 10, dir));
    assertTrue(e2.getMessage().contains("position 50"), e2.getMessage());
    Rng behind = new Rng(TinyRun.SEED, 3);
    Trainer.advanceRng(behind, TinyRun.SEED, 10, dir);
    assertEquals(10, behind.position());
    assertTrue(Files.isRegularFile(dir.resolve("checkpoints").resolve("LAST")));
  }
}
