package jdistill.distill.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.EvaluationConfig;
import jdistill.distill.config.MethodUse;
import jdistill.distill.config.OptimizerConfig;
import jdistill.distill.config.Stage;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.Side;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.train.MetricGoal;
import jdistill.distill.train.TrainConfig;
import jdistill.distill.train.WeightedMethod;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.LrSchedule;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * Turns a stage's settings into the trainer's: step counts, the learning-rate schedule, the
 * methods with their weight schedules, and the check that runs every method once on a small batch
 * before any training, so that a layer map out of range, taps of different widths with no
 * projection or a batch without the labels a method needs fail at once, naming the method's
 * config entry.
 */
final class StageTraining {

  private StageTraining() {}

  /** Optimizer steps in one pass over {@code batchesPerEpoch} batches with gradient accumulation. */
  static long stepsPerEpoch(int batchesPerEpoch, int gradAccumulation) {
    return Math.max(1, (batchesPerEpoch + gradAccumulation - 1) / gradAccumulation);
  }

  /** The stage's optimizer steps: its {@code training.steps}, or its epochs over the data. */
  static long totalSteps(Stage stage, int batchesPerEpoch) {
    if (stage.training().steps() != null) return stage.training().steps();
    return stage.training().epochs() * stepsPerEpoch(batchesPerEpoch, stage.optimizer().gradAccumulation());
  }

  /** The learning rate over {@code total} steps: linear warm-up, then the configured decay. */
  static LrSchedule schedule(OptimizerConfig o, double peak, long total) {
    long warmup = Math.min(o.warmup(total), total);
    return switch (o.schedule()) {
      case LINEAR -> LrSchedule.linear(peak, warmup, total);
      case COSINE -> LrSchedule.cosine(peak, warmup, total, 0.0);
      case CONSTANT -> warmup == 0 ? LrSchedule.constant(peak) : step -> step < warmup ? peak * step / warmup : peak;
    };
  }

  /**
   * The trainer's settings for a stage.
   *
   * @param evaluate whether there is an evaluator (evaluation every {@code training.eval_every}
   *     steps, or once per epoch when that is 0)
   * @param best what picks the best checkpoint, or null to keep none
   */
  static TrainConfig trainConfig(Stage stage, double lr, long total, long perEpoch, boolean evaluate, MetricGoal best, Path dir, boolean progressBar) {
    OptimizerConfig o = stage.optimizer();
    var t = stage.training();
    AdamW.Config adam = new AdamW.Config(lr, o.betas().get(0), o.betas().get(1), o.eps(), true);
    long evalEvery = !evaluate ? 0 : t.evalEvery() > 0 ? t.evalEvery() : Math.min(perEpoch, total);
    return new TrainConfig(total, o.gradAccumulation(), o.maxGradNorm(), adam, o.weightDecay(), schedule(o, lr, total), toInt(Math.min(t.logEvery(), total)), toInt(evalEvery),
        toInt(t.checkpointEvery()), evaluate ? best : null, dir, progressBar);
  }

  /** The metric (among the {@code evaluated} ones) and direction that pick the stage's best checkpoint. */
  static MetricGoal bestGoal(Stage stage, List<String> evaluated) {
    String metric = stage.evaluation().bestMetric(evaluated);
    return EvaluationConfig.lowerIsBetter(metric) ? MetricGoal.min(metric) : MetricGoal.max(metric);
  }

  private static int toInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }

  /**
   * The stage's methods built against the two models, with weights following their schedules over
   * {@code total} steps; extras are moved to the student's device. A method that cannot be built
   * fails naming its config entry.
   */
  static List<WeightedMethod> methods(List<MethodUse> uses, DistillModel teacher, DistillModel student, Rng rng, long total, String source, String at) {
    List<WeightedMethod> out = new ArrayList<>();
    Device device = TaskEvaluator.deviceOf(student);
    for (int i = 0; i < uses.size(); i++) {
      MethodUse use = uses.get(i);
      Method m;
      try {
        m = use.create(new MethodSetup(teacher, student, rng));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigException(source, at + "methods." + i, "method '" + use.name() + "' cannot be used with this teacher and student: " + e.getMessage());
      }
      if (m.extras() != null && !device.equals(Device.CPU)) m.extras().to(device);
      var weight = use.weight();
      out.add(new WeightedMethod(m, p -> weight.at(Math.round(p * total), total)));
    }
    return out;
  }

  /**
   * Runs every method of a stage once on {@code batch} with both models in eval mode and recording
   * off, using a scratch generator (the run's is not touched); fails naming the method's config
   * entry when a method cannot compute its losses or returns a non-finite one.
   */
  static void preflight(List<MethodUse> uses, DistillModel teacher, DistillModel student, Batch batch, long total, String source, String at) {
    Rng scratch = new Rng(0);
    boolean studentTraining = student.module().isTraining();
    student.module().eval();
    teacher.module().eval();
    try (var g = GradMode.noGrad(); Scope s = Scope.open()) {
      List<WeightedMethod> methods = methods(uses, teacher, student, scratch, total, source, at);
      Batch b = TaskEvaluator.onDevice(batch, TaskEvaluator.deviceOf(student));
      TapRecorder teacherTaps = new TapRecorder();
      TapRecorder studentTaps = new TapRecorder();
      boolean needTeacher = false;
      for (WeightedMethod wm : methods) {
        wm.method().beginStep(0, total, scratch);
        needTeacher |= wm.method().needsTeacher();
        for (TapRequest r : wm.method().taps()) (r.side() == Side.TEACHER ? teacherTaps : studentTaps).request(r.tap(), r.layer());
      }
      ModelOutput t = needTeacher ? teacher.forward(b, teacherTaps) : null;
      ModelOutput st = student.forward(b, studentTaps);
      StepView view = new StepView(b, t, st, 0, total);
      for (int i = 0; i < methods.size(); i++) {
        Method m = methods.get(i).method();
        Map<String, Tensor> losses;
        try {
          losses = m.losses(view);
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
          throw new ConfigException(source, at + "methods." + i, "method '" + m.name() + "' fails on a batch of this data: " + describe(e));
        }
        if (losses == null || losses.isEmpty()) throw new ConfigException(source, at + "methods." + i, "method '" + m.name() + "' returned no loss terms");
        Map<String, Double> bad = new LinkedHashMap<>();
        for (var e : losses.entrySet()) {
          double v = e.getValue().sum().item();
          if (!Double.isFinite(v)) bad.put(e.getKey(), v);
        }
        if (!bad.isEmpty()) throw new ConfigException(source, at + "methods." + i, "method '" + m.name() + "' gives non-finite losses " + bad + " on a batch of this data before any training");
      }
    } finally {
      student.module().train(studentTraining);
    }
  }

  private static String describe(RuntimeException e) {
    return e instanceof NullPointerException ? "a tap, the logits or the labels it needs are missing (" + e.getMessage() + ")" : e.getMessage();
  }
}
