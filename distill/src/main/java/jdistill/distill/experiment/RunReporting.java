package jdistill.distill.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdistill.distill.config.ExperimentConfig;
import jdistill.distill.config.MethodUse;
import jdistill.distill.config.Stage;
import jdistill.distill.config.StudentConfig;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.data.LabelVocabulary;
import jdistill.distill.report.RunReport;
import jdistill.distill.report.SpeedProbe;
import jdistill.distill.train.Evaluator;
import jdistill.distill.train.TrainResult;
import jdistill.engine.Scope;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;

/**
 * The end of a run: the last stage's metrics of student and teacher on the held-out data, the
 * report (settings, plots, speeds measured now, sizes) with the exported student and its label
 * names, the comparison printed; and the stages' metrics joined into the run's metrics.jsonl.
 */
final class RunReporting {

  private final ExperimentConfig config;
  private final String source;
  private final PrintStream console;

  RunReporting(ExperimentConfig config, String source, PrintStream console) {
    this.config = config;
    this.source = source;
    this.console = console;
  }

  ExperimentResult report(RunLayout layout, List<StagePlan> plans, List<ExperimentResult.StageOutcome> outcomes, Module student, TrainResult last, LabelVocabulary labels)
      throws IOException {
    StagePlan p = plans.get(plans.size() - 1);
    TaskConfig task = p.stage().task();
    DistillModel studentModel = TaskModels.adapt(student, task);
    DistillModel teacherModel = p.teacher().model;
    Map<String, Double> studentMetrics = Map.of();
    Map<String, Double> teacherMetrics = Map.of();
    if (p.data().hasEval() && !p.metrics().isEmpty()) {
      boolean needsTeacher = TaskEvaluator.needsTeacher(p.metrics());
      TaskEvaluator evaluator = new TaskEvaluator(task, p.metrics(), p.data(), needsTeacher ? teacherModel : null);
      long steps = outcomes.isEmpty() ? 0 : outcomes.get(outcomes.size() - 1).steps();
      studentMetrics = evaluateOnce(evaluator, studentModel, steps);
      if (p.stage().evaluation().teacher()) teacherMetrics = evaluateOnce(evaluator, teacherModel, 0);
    } else {
      say("no evaluation data (data.eval): the report has no metrics");
    }
    Batch speedBatch = TaskEvaluator.onDevice(p.data().sampleBatch(), TaskEvaluator.deviceOf(studentModel));
    say("measuring inference speed of teacher and student on a " + speedBatch.size() + " x " + speedBatch.length() + " batch");
    Path teacherFolder = task.type() == TaskConfig.Type.SENTENCE_EMBEDDING ? null : p.teacher().folder;
    String title = "Distillation report: " + Path.of(source).getFileName();
    RunReport.Outcome outcome = RunReport.write(layout.output(), new RunReport.Inputs(title, teacherModel, studentModel, teacherFolder, p.tokenizer(), speedBatch, SpeedProbe.defaults(),
        teacherMetrics, studentMetrics, settings(layout, plans), last));
    if (labels != null && !StagePlanner.integerLabels(labels)) LabelNames.write(outcome.student().dir(), labels.names());
    ExperimentResult result = new ExperimentResult(layout.output(), outcomes, false, outcome.report().teacher(), outcome.report().student(), outcome.files().markdown(),
        outcome.files().html(), outcome.student().dir());
    if (console != null) {
      console.println();
      console.print(ComparisonTable.format(result.teacher(), result.student()));
      console.println();
      console.println("report:  " + result.report());
      console.println("student: " + result.studentDir());
    }
    return result;
  }

  private static Map<String, Double> evaluateOnce(Evaluator evaluator, DistillModel model, long step) {
    boolean training = model.module().isTraining();
    model.module().eval();
    try (var g = GradMode.noGrad(); Scope s = Scope.open()) {
      return new LinkedHashMap<>(evaluator.evaluate(model, step));
    } finally {
      model.module().train(training);
    }
  }

  Map<String, String> settings(RunLayout layout, List<StagePlan> plans) {
    Map<String, String> s = new LinkedHashMap<>();
    StagePlan first = plans.get(0);
    TaskConfig task = first.stage().task();
    s.put("config", source);
    s.put("task", TaskModels.taskName(task.type()) + (task.pooling() != null ? " (pooling " + task.pooling().name().toLowerCase(Locale.ROOT) + ")" : ""));
    TeacherSlot t = first.teacher();
    s.put("teacher", t.config.path() != null ? t.folder.toString() : "fine-tuned from " + t.sourceFolder + " into " + t.folder);
    StudentConfig sc = config.student();
    s.put("student", sc.fromTeacher() != null ? "teacher layers " + sc.fromTeacher().teacherLayers(TaskModels.configOf(t.module).layers())
        : sc.fresh() != null ? String.format(Locale.ROOT, "fresh: %d layers, hidden %d, %d heads, FFN %d", sc.fresh().layers(), sc.fresh().hidden(), sc.fresh().heads(), sc.fresh().intermediate())
        : "from " + sc.path());
    s.put("tokenizer", first.tokenizer().toString());
    for (StagePlan p : plans) {
      Stage st = p.stage();
      String k = plans.size() == 1 ? "" : "stage " + p.name() + ": ";
      s.put(k + "methods", describe(p.resolved().methods()));
      s.put(k + "data", String.format(Locale.ROOT, "%s (%d examples), eval %s (%d)", layout.resolve(st.data().train()), p.data().train.size(),
          st.data().eval() == null ? "none" : layout.resolve(st.data().eval()).toString(), p.data().hasEval() ? p.data().eval.size() : 0));
      s.put(k + "training", (st.training().steps() != null ? st.training().steps() + " steps" : st.training().epochs() + " epochs") + ", batch " + st.data().batchSize() + ", max length "
          + st.data().maxLength() + ", seed " + st.training().seed());
      s.put(k + "optimizer", String.format(Locale.ROOT, "adamw lr %.3g, weight decay %.3g, %s schedule, warm-up %s, clip %.3g", st.optimizer().lr(), st.optimizer().weightDecay(),
          st.optimizer().schedule().name().toLowerCase(Locale.ROOT), st.optimizer().warmupSteps() != null ? st.optimizer().warmupSteps() + " steps" : st.optimizer().warmupRatio() + " of the steps",
          st.optimizer().maxGradNorm()));
    }
    return s;
  }

  /** "kd (weight 1, temperature=4.0, alpha=0.5) + hard (weight 0.5)". */
  static String describe(List<MethodUse> methods) {
    List<String> parts = new ArrayList<>();
    for (MethodUse m : methods) {
      StringBuilder sb = new StringBuilder(m.name()).append(" (weight ").append(m.weight().describe());
      for (var e : m.options().asMap().entrySet()) if (e.getValue() != null) sb.append(", ").append(e.getKey()).append('=').append(e.getValue());
      parts.add(sb.append(')').toString());
    }
    return String.join(" + ", parts);
  }

  /** Joins the stages' metrics into the run's metrics.jsonl, steps counted across stages, each line naming its stage. */
  static void joinMetrics(RunLayout layout, List<ExperimentResult.StageOutcome> outcomes) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = new ArrayList<>();
    long offset = 0;
    for (ExperimentResult.StageOutcome o : outcomes) {
      Path f = o.dir().resolve("metrics.jsonl");
      if (Files.isRegularFile(f)) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          var n = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line);
          n.put("step", n.path("step").asLong() + offset);
          n.put("stage", o.name());
          lines.add(json.writeValueAsString(n));
        }
      }
      offset += o.steps();
    }
    Files.write(layout.metrics(), lines, StandardCharsets.UTF_8);
  }

  private void say(String line) {
    if (console != null) console.println(line);
  }
}
