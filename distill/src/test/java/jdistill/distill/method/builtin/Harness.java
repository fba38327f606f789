package jdistill.distill.method.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.Side;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.ParamGroup;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * A minimal distillation loop for the training tests: teacher forward without gradients, student
 * forward, the weighted sum of the methods' loss terms, backward, AdamW on the student and the
 * methods' extras. Also trains teachers on a task's hard labels and measures agreement.
 */
final class Harness {

  private Harness() {}

  /** Losses per step and the student's held-out agreement with the teacher before and after. */
  record Run(List<Double> losses, double agreementBefore, double agreementAfter) {
    double firstMean(int n) {
      return losses.subList(0, n).stream().mapToDouble(d -> d).average().orElseThrow();
    }

    double lastMean(int n) {
      return losses.subList(losses.size() - n, losses.size()).stream().mapToDouble(d -> d).average().orElseThrow();
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "loss %.4f -> %.4f, agreement %.3f -> %.3f", firstMean(5), lastMean(5), agreementBefore, agreementAfter);
    }
  }

  /** Trains {@code model} on the task's labels (the "hard" method) and returns its final held-out accuracy. */
  static double pretrain(Tasks.Task task, DistillModel model, int steps, double lr, long seed) {
    Method hard = MethodRegistry.create("hard", null, new MethodSetup(null, model, new Rng(seed)));
    train(task, null, model, List.of(hard), List.of(1.0), steps, lr, seed);
    return accuracy(task, model, seed);
  }

  /** Distils with the named methods at the given weights for {@code steps} steps. */
  static Run distill(Tasks.Task task, DistillModel teacher, DistillModel student, Map<String, Map<String, Object>> methods, int steps, double lr, long seed) {
    List<Method> ms = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Rng rng = new Rng(seed);
    for (var e : methods.entrySet()) {
      Map<String, Object> options = new LinkedHashMap<>(e.getValue());
      double w = options.containsKey("weight") ? ((Number) options.remove("weight")).doubleValue() : 1.0;
      String name = options.containsKey("method") ? (String) options.remove("method") : e.getKey();
      ms.add(MethodRegistry.create(name, options, new MethodSetup(teacher, student, rng)));
      weights.add(w);
    }
    double before = agreement(task, teacher, student, seed);
    List<Double> losses = train(task, teacher, student, ms, weights, steps, lr, seed);
    return new Run(losses, before, agreement(task, teacher, student, seed));
  }

  private static List<Double> train(Tasks.Task task, DistillModel teacher, DistillModel student, List<Method> methods, List<Double> weights, int steps, double lr, long seed) {
    List<Parameter> params = new ArrayList<>(student.module().parameters());
    for (Method m : methods) {
      Module extras = m.extras();
      if (extras != null) params.addAll(extras.parameters());
    }
    AdamW opt = new AdamW(ParamGroup.single(params, 0.0), AdamW.Config.of(lr));
    Rng data = new Rng(seed * 7919 + 1);
    Rng methodRng = new Rng(seed + 3);
    List<Double> losses = new ArrayList<>();
    student.module().train();
    for (int step = 0; step < steps; step++) {
      try (Scope scope = Scope.open()) {
        Batch batch = task.batch(data, 16);
        TapRecorder teacherTaps = new TapRecorder();
        TapRecorder studentTaps = new TapRecorder();
        boolean needsTeacher = false;
        for (Method m : methods) {
          m.beginStep(step, steps, methodRng);
          needsTeacher |= m.needsTeacher();
          for (TapRequest r : m.taps()) (r.side() == Side.TEACHER ? teacherTaps : studentTaps).request(r.tap(), r.layer());
        }
        ModelOutput t = null;
        if (needsTeacher) {
          try (var g = GradMode.noGrad()) {
            t = teacher.forward(batch, teacherTaps);
          }
        }
        ModelOutput s = student.forward(batch, studentTaps);
        StepView view = new StepView(batch, t, s, step, steps);
        Tensor total = null;
        for (int i = 0; i < methods.size(); i++) {
          for (Tensor term : methods.get(i).losses(view).values()) {
            Tensor w = term.mul(weights.get(i));
            total = total == null ? w : total.add(w);
          }
        }
        total.backward();
        opt.step(1.0);
        opt.zeroGrad();
        double l = total.item();
        if (!Double.isFinite(l)) throw new IllegalStateException("loss became " + l + " at step " + step);
        losses.add(l);
      }
    }
    student.module().eval();
    return losses;
  }

  /** Held-out argmax agreement over the positions that count (labelled, non-padding tokens; every example for classification). */
  static double agreement(Tasks.Task task, DistillModel teacher, DistillModel student, long seed) {
    return compare(task, seed, teacher, student);
  }

  /** Held-out accuracy against the labels. */
  static double accuracy(Tasks.Task task, DistillModel model, long seed) {
    return compare(task, seed, null, model);
  }

  private static double compare(Tasks.Task task, long seed, DistillModel reference, DistillModel model) {
    boolean wasTraining = model.module().isTraining();
    model.module().eval();
    try (var g = GradMode.noGrad(); Scope scope = Scope.open()) {
      Batch batch = task.batch(new Rng(seed * 31 + 1_000_003), 64);
      long[] mine = model.forward(batch, new TapRecorder()).logits().argmax(-1, false).toLongArray();
      long[] labels = batch.labels().toLongArray();
      long[] theirs = reference == null ? labels : reference.forward(batch, new TapRecorder()).logits().argmax(-1, false).toLongArray();
      long[] mask = batch.attentionMask().toLongArray();
      int agree = 0;
      int n = 0;
      for (int i = 0; i < mine.length; i++) {
        boolean tokens = mine.length == mask.length;
        if (tokens && (labels[i] == -100 || mask[i] == 0)) continue;
        n++;
        if (mine[i] == theirs[i]) agree++;
      }
      return (double) agree / n;
    } finally {
      model.module().train(wasTraining);
    }
  }
}
