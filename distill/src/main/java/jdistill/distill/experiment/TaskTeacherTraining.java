package jdistill.distill.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdistill.distill.config.Stage;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.config.TaskTeacherConfig;
import jdistill.distill.data.LabelVocabulary;
import jdistill.distill.method.builtin.HardLabel;
import jdistill.distill.report.StudentExport;
import jdistill.distill.train.Evaluator;
import jdistill.distill.train.TrainConfig;
import jdistill.distill.train.TrainResult;
import jdistill.distill.train.TrainSetup;
import jdistill.distill.train.Trainer;
import jdistill.distill.train.WeightedMethod;

/**
 * Fine-tunes a {@code task_teacher} on the task with the hard-label loss before distillation: its
 * epochs and learning rate, the stage's other optimizer settings, batches and seed, evaluation
 * each epoch, checkpoints (resumable) in {@code teacher-training/}, and the result written as a
 * Hugging Face folder with the tokenizer, which later runs reuse.
 */
final class TaskTeacherTraining {

  private TaskTeacherTraining() {}

  /** Trains {@code plan}'s teacher; returns false when a stop request ended it early (nothing is written then). */
  static boolean run(StagePlan plan, RunLayout layout, LabelVocabulary labels, ExperimentOptions options, String source) throws IOException {
    TeacherSlot slot = plan.teacher();
    Stage stage = plan.stage();
    TaskConfig task = stage.task();
    TaskTeacherConfig tt = slot.config.taskTeacher();
    PrintStream console = options.console();
    StageData data = plan.data();
    long perEpoch = StageTraining.stepsPerEpoch(data.batchesPerEpoch(), stage.optimizer().gradAccumulation());
    long total = tt.epochs() * perEpoch;
    Path dir = layout.teacherTrainingDir();
    Files.createDirectories(dir);
    TrainConfig tc = StageTraining.trainConfig(stage, tt.lr(), total, perEpoch, data.hasEval(), null, dir, options.progressBar());
    Evaluator evaluator = null;
    if (data.hasEval()) {
      List<String> metrics = new ArrayList<>(plan.metrics());
      metrics.removeAll(TaskEvaluator.TEACHER_METRICS);
      if (metrics.isEmpty()) metrics = TaskEvaluator.defaults(task.type(), false, data.evalPairs != null);
      evaluator = new TaskEvaluator(task, metrics, data, null);
      if (console != null) evaluator = ProgressLines.printing(evaluator, console, "teacher");
    }
    List<WeightedMethod> methods = List.of(WeightedMethod.of(new HardLabel(0.0), 1.0));
    Trainer trainer = new Trainer(new TrainSetup(slot.model, null, methods, data.trainSource(stage.training().seed()), evaluator, slot.rng, tc, console));
    if (options.resume() && Files.isRegularFile(dir.resolve("checkpoints").resolve("LAST"))) trainer.resumeFrom(dir);
    if (console != null) {
      console.printf(Locale.ROOT, "fine-tuning the teacher %s on the task: %d epochs, %d steps, lr %.2g (hard-label loss)%n", slot.sourceFolder, tt.epochs(), total, tt.lr());
      trainer.addStepListener(ProgressLines.steps(console, "teacher", tc.logEvery(), total));
    }
    trainer.installShutdownHook(Duration.ofMinutes(2));
    TrainResult r = trainer.run();
    if (r.stopped()) return false;
    slot.module.eval();
    Path tokenizer = plan.tokenizer();
    StudentExport.export(slot.module, slot.folder, tokenizer);
    if (labels != null && !StagePlanner.integerLabels(labels)) LabelNames.write(slot.folder, labels.names());
    slot.needsTraining = false;
    if (console != null) console.println("fine-tuned teacher written to " + slot.folder);
    return true;
  }
}
