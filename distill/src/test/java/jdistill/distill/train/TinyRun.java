package jdistill.distill.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.engine.ops.Reduction;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.LrSchedule;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TransformerConfig;

/** Tiny GPT-2 teacher and student, fixed batches and a KD-like test method, for trainer tests. */
final class TinyRun {

  static final long SEED = 11;
  static final int VOCAB = 20;
  static final int SEQ = 8;

  private TinyRun() {}

  static TransformerConfig teacherConfig() {
    return new TransformerConfig(VOCAB, 16, 0, 32, 2, 2, 64, 1e-5, Activation.GELU_TANH, 0.0, 0.0);
  }

  /** The student has dropout, so its masks come from the run's generator. */
  static TransformerConfig studentConfig(double dropout) {
    return new TransformerConfig(VOCAB, 16, 0, 16, 2, 2, 32, 1e-5, Activation.GELU_TANH, dropout, dropout);
  }

  static DistillModel teacher() {
    return DistillModels.of(new Gpt2(teacherConfig(), new Rng(5)));
  }

  /** {@code count} batches of {@code rows} x SEQ tokens with next-token labels (-100 at the end), long-lived. */
  static List<Batch> batches(int count, int rows, long seed) {
    Rng r = new Rng(seed);
    List<Batch> out = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      long[] ids = new long[rows * SEQ];
      long[] labels = new long[rows * SEQ];
      for (int i = 0; i < rows; i++) {
        // a learnable pattern: each next token is the previous plus a row-specific step
        long start = r.nextInt(VOCAB);
        long stride = 1 + r.nextInt(3);
        for (int j = 0; j < SEQ; j++) ids[i * SEQ + j] = (start + stride * j) % VOCAB;
        for (int j = 0; j < SEQ; j++) labels[i * SEQ + j] = j + 1 < SEQ ? ids[i * SEQ + j + 1] : -100;
      }
      long[] mask = new long[rows * SEQ];
      java.util.Arrays.fill(mask, 1);
      out.add(new Batch(Tensor.ofLongs(ids, rows, SEQ), Tensor.ofLongs(mask, rows, SEQ), null, Tensor.ofLongs(labels, rows, SEQ)));
    }
    return out;
  }

  /** Mean next-token cross-entropy, ignoring -100. */
  static Tensor ce(Tensor logits, Tensor labels) {
    return F.crossEntropy(logits, labels, -100, 0.0, Reduction.MEAN);
  }

  /**
   * Soft KL at a temperature re-drawn every step from the run's generator, cross-entropy on the
   * labels, and an MSE between the teacher's last hidden layer and the student's through a trained
   * projection (the method's extras).
   */
  static final class TestKd implements Method {
    private final Linear projection;
    private double temperature;

    TestKd(int studentHidden, int teacherHidden) {
      projection = new Linear(studentHidden, teacherHidden, true, new Rng(3));
    }

    @Override
    public String name() {
      return "kd";
    }

    @Override
    public List<TapRequest> taps() {
      return List.of(TapRequest.teacher(Tap.LAYER_OUTPUT, 1), TapRequest.student(Tap.LAYER_OUTPUT, 1));
    }

    @Override
    public void beginStep(long step, long totalSteps, Rng rng) {
      temperature = 1.5 + rng.nextDouble();
    }

    @Override
    public Map<String, Tensor> losses(StepView v) {
      Tensor kl = F.klDiv(v.student().logits(), v.teacher().logits(), temperature, null);
      Tensor ce = ce(v.student().logits(), v.batch().labels());
      Tensor hidden = F.mse(projection.forward(v.student().taps().get(Tap.LAYER_OUTPUT, 1)), v.teacher().taps().get(Tap.LAYER_OUTPUT, 1));
      return Map.of("kl", kl, "ce", ce, "hidden", hidden);
    }

    @Override
    public Module extras() {
      return projection;
    }
  }

  /** Plain cross-entropy on the labels; needs no teacher. */
  static final class HardLabels implements Method {
    @Override
    public String name() {
      return "ce";
    }

    @Override
    public List<TapRequest> taps() {
      return List.of();
    }

    @Override
    public Map<String, Tensor> losses(StepView v) {
      return Map.of("ce", ce(v.student().logits(), v.batch().labels()));
    }

    @Override
    public boolean needsTeacher() {
      return false;
    }
  }

  /** A config for {@code steps} steps into {@code out}: cosine schedule with warm-up, no progress bar. */
  static TrainConfig config(long steps, Path out) {
    return TrainConfig.of(steps, 3e-3, out)
        .withOptimizer(AdamW.Config.of(3e-3), 0.01)
        .withLrSchedule(LrSchedule.cosine(3e-3, Math.min(2, steps), steps, 0.1))
        .withLogEvery(1)
        .withProgressBar(false);
  }

  /** An evaluator: mean CE of the student on {@code batch} (draws nothing from the run's generator). */
  static Evaluator heldOutLoss(Batch batch) {
    return (student, step) -> {
      Tensor logits = student.forward(batch, new jdistill.models.transformer.TapRecorder()).logits();
      return Map.of("eval_loss", ce(logits, batch.labels()).item());
    };
  }

  /** Float bits of every student parameter, by name (for exact comparisons). */
  static Map<String, float[]> weights(DistillModel m) {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    try (Scope s = Scope.open()) {
      for (var e : m.module().stateDict().entrySet()) out.put(e.getKey(), e.getValue().toFloatArray());
    }
    return out;
  }
}
