package jdistill.distill.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.ExperimentConfig;
import jdistill.distill.config.ResolvedStage;
import jdistill.distill.config.Stage;
import jdistill.distill.config.StudentConfig;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.config.TrainingConfig;
import jdistill.distill.core.DistillModel;
import jdistill.distill.data.LabelVocabulary;
import jdistill.distill.train.Evaluator;
import jdistill.distill.train.TrainConfig;
import jdistill.distill.train.TrainResult;
import jdistill.distill.train.TrainSetup;
import jdistill.distill.train.Trainer;
import jdistill.distill.train.WeightedMethod;
import jdistill.engine.CounterRng;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.TransformerConfig;

/**
 * One distillation run from a config, start to finish:
 *
 * <ol>
 *   <li>reads each stage's teacher shape, tokenizer and data, checking the tokenizer against the
 *       teacher's vocabulary, the lengths against its positions and the columns against the files;
 *   <li>loads the teachers (or the base model of a {@code task_teacher} with the task's head) and
 *       builds the student (teacher layers, fresh, or a folder);
 *   <li>checks every stage's metrics and runs each stage's methods once on a small batch, so a bad
 *       layer map, mismatched widths or missing labels fail before any training;
 *   <li>fine-tunes a {@code task_teacher} with the hard loss and saves it (reused by later runs);
 *   <li>trains the stages in order, each continuing from the previous stage's student, with
 *       evaluation, checkpoints, {@code --resume} and a Ctrl-C hook that saves a checkpoint;
 *   <li>evaluates student and teacher on the held-out data, measures their speed, and writes
 *       {@code report.md}, {@code report.html}, plots and the exported student with its tokenizer.
 * </ol>
 *
 * Relative paths in the config are read against the config file's folder ({@link RunLayout}).
 * Every stage's generator derives from its {@code training.seed}, so a run is repeatable, and a
 * resumed run ends with the same weights as an uninterrupted one.
 */
public final class Experiment {

  private static final long STAGE_STREAM = 0x73746167652d3031L;

  private final ExperimentConfig config;
  private final String source;
  private final Path configDir;
  private final String effectiveYaml;
  private final ExperimentOptions options;
  private final PrintStream console;

  /**
   * @param config the loaded config
   * @param source the config's name in error messages (its file)
   * @param configDir the folder relative paths are read against
   * @param effectiveYaml the config text after overrides, saved as the run's config.yaml; null to skip
   */
  public Experiment(ExperimentConfig config, String source, Path configDir, String effectiveYaml, ExperimentOptions options) {
    this.config = config;
    this.source = source;
    this.configDir = configDir.toAbsolutePath().normalize();
    this.effectiveYaml = effectiveYaml;
    this.options = options;
    this.console = options.console();
  }

  /** Loads {@code file} with {@code overrides} ("training.seed=3") applied; config errors are {@link ConfigException}s. */
  public static Experiment load(Path file, List<String> overrides, ExperimentOptions options) {
    ExperimentConfig c = ExperimentConfig.load(file, overrides);
    Path dir = file.toAbsolutePath().getParent();
    return new Experiment(c, file.toString(), dir, ExperimentConfig.effectiveYaml(file, overrides), options);
  }

  /** The run folder: the options' output, or the config's {@code training.output} read against the config's folder. */
  public Path output() {
    if (options.output() != null) return options.output().toAbsolutePath().normalize();
    return new RunLayout(configDir, null, 1).resolve(config.training().output());
  }

  /** Runs the experiment; see the class comment. */
  public ExperimentResult run() throws IOException {
    List<ResolvedStage> stages = config.resolve();
    RunLayout layout = new RunLayout(configDir, output(), stages.size());
    TaskConfig task = stages.get(0).stage().task();
    checkStages(stages);
    prepareOutput(layout, stages);
    Files.createDirectories(layout.output());
    if (effectiveYaml != null) Files.writeString(layout.effectiveConfig(), effectiveYaml, StandardCharsets.UTF_8);
    say("run folder: " + layout.output());

    StagePlanner planner = new StagePlanner(config, source, console);
    List<StagePlan> plans = planner.plan(stages, layout);
    LabelVocabulary labels = plans.get(0).data().labels;
    int numLabels = planner.numLabels(plans, labels);
    for (StagePlan p : plans) {
      if (p.teacher().module == null) {
        p.teacher().load(task, numLabels, source);
        place(p.teacher(), task);
      }
    }
    TeacherSlot firstTeacher = plans.get(0).teacher();
    Module student = buildStudent(firstTeacher, task);
    say(String.format(Locale.ROOT, "teacher: %s, %,d parameters%s", shape(firstTeacher.module), firstTeacher.module.numParameters(),
        firstTeacher.needsTraining ? " (to be fine-tuned on the task first)" : ""));
    say(String.format(Locale.ROOT, "student: %s, %,d parameters", shape(student), student.numParameters()));
    for (StagePlan p : plans) {
      TaskEvaluator.check(task.type(), p.metrics(), p.data().evalPairs != null, TaskModels.configOf(p.teacher().module).hidden() == TaskModels.configOf(student).hidden(), source, p.at());
      long total = StageTraining.totalSteps(p.stage(), p.data().batchesPerEpoch());
      StageTraining.preflight(p.resolved().methods(), p.teacher().model, TaskModels.adapt(student, task), p.data().preflightBatch(), total, source, p.at());
    }
    say("checked: data, tokenizer, teacher, student and every method on a first batch");

    boolean trainedTeacher = false;
    for (StagePlan p : plans) {
      if (!p.teacher().needsTraining) continue;
      if (!TaskTeacherTraining.run(p, layout, labels, options, source)) return stoppedResult(layout, List.of());
      place(p.teacher(), task);
      trainedTeacher = true;
    }
    if (trainedTeacher) student = buildStudent(firstTeacher, task);

    List<ExperimentResult.StageOutcome> outcomes = new ArrayList<>();
    boolean trainedEarlier = false;
    TrainResult last = null;
    Module current = student;
    for (StagePlan p : plans) {
      Stage st = p.stage();
      Path dir = layout.stageDir(p.name());
      Files.createDirectories(dir);
      Path checkpoints = dir.resolve("checkpoints");
      boolean hasCheckpoint = Files.isRegularFile(checkpoints.resolve("LAST"));
      if (hasCheckpoint && options.resume() && trainedEarlier) {
        say("stage " + p.name() + ": its checkpoints predate the training of an earlier stage in this run; starting it afresh");
        deleteTree(checkpoints);
        hasCheckpoint = false;
      }
      Rng rng = new Rng(CounterRng.bits(st.training().seed() ^ STAGE_STREAM, p.index()));
      Module m = place(TaskModels.copy(current, rng));
      DistillModel sm = TaskModels.adapt(m, task);
      long perEpoch = StageTraining.stepsPerEpoch(p.data().batchesPerEpoch(), st.optimizer().gradAccumulation());
      long total = StageTraining.totalSteps(st, p.data().batchesPerEpoch());
      List<WeightedMethod> methods = StageTraining.methods(p.resolved().methods(), p.teacher().model, sm, rng, total, source, p.at());
      Evaluator evaluator = evaluator(p);
      TrainConfig tc = StageTraining.trainConfig(st, st.optimizer().lr(), total, perEpoch, evaluator != null, evaluator == null ? null : StageTraining.bestGoal(st, p.metrics()), dir,
          options.progressBar());
      Trainer trainer = new Trainer(new TrainSetup(sm, p.teacher().model, methods, p.data().trainSource(st.training().seed()), evaluator, rng, tc, console));
      Path resumedFrom = null;
      if (options.resume() && hasCheckpoint) {
        resumedFrom = jdistill.distill.train.CheckpointStore.resolve(dir);
        try {
          trainer.resumeFrom(dir);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new ConfigException(source, p.at() + "training", "cannot resume stage " + p.name() + " from " + resumedFrom + ": " + e.getMessage()
              + "; resume with the settings of the interrupted run, or start afresh with --overwrite");
        }
      } else if (options.resume()) {
        say("stage " + p.name() + ": no checkpoint in " + checkpoints + "; starting the stage from its beginning");
      }
      say(String.format(Locale.ROOT, "stage %s: %s; %d steps (%d per epoch), lr %.2g, batch %d", p.name(), RunReporting.describe(p.resolved().methods()), total, perEpoch, st.optimizer().lr(),
          st.data().batchSize()));
      if (console != null) trainer.addStepListener(ProgressLines.steps(console, p.name(), tc.logEvery(), total));
      trainer.installShutdownHook(Duration.ofMinutes(2));
      TrainResult r = trainer.run();
      outcomes.add(new ExperimentResult.StageOutcome(p.name(), dir, r.steps(), total, resumedFrom, r.stopped()));
      if (r.stopped()) {
        say("stopped; continue with --resume");
        return stoppedResult(layout, outcomes);
      }
      trainedEarlier |= r.lastStep() != null;
      if (st.evaluation().exportBest() && evaluator != null) {
        Path bestCheckpoint = trainer.restoreBest();
        if (bestCheckpoint != null && r.best() != null) {
          say(String.format(Locale.ROOT, "stage %s: continuing with the best checkpoint, %s (%s %.4f at step %d)", p.name(), bestCheckpoint, r.best().metric(), r.best().value(), r.best().step()));
        }
      }
      last = r;
      current = m;
    }
    if (plans.size() > 1) RunReporting.joinMetrics(layout, outcomes);
    return new RunReporting(config, source, console).report(layout, plans, outcomes, current, last, labels);
  }

  // ---- checks before anything is loaded ------------------------------------------------------------

  private void checkStages(List<ResolvedStage> stages) {
    TaskConfig.Type type = stages.get(0).stage().task().type();
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i).stage();
      String at = prefix(stages.size(), i);
      if (st.task().type() != type) {
        throw new ConfigException(source, at + "task.type", "every stage trains the same student for one task; the first stage's task is " + TaskModels.taskName(type));
      }
      if (st.training().dtype() != config.training().dtype()) {
        throw new ConfigException(source, at + "training.dtype", "every stage trains in the run's precision (" + config.training().dtype().name().toLowerCase(Locale.ROOT) + ")");
      }
      if (st.training().dtype() == TrainingConfig.DType.BF16 && st.training().device() != TrainingConfig.Device.CUDA) {
        throw new ConfigException(source, at + "training.dtype", "bf16 mixed precision runs on device: cuda (the CPU backend computes in f32)");
      }
      if (st.training().device() != config.training().device()) {
        throw new ConfigException(source, at + "training.device", "every stage runs on the run's device (" + config.training().device().name().toLowerCase(Locale.ROOT) + ")");
      }
      if (st.teacher().taskTeacher() != null && type == TaskConfig.Type.SENTENCE_EMBEDDING) {
        throw new ConfigException(source, at + "teacher.task_teacher", "sentence embeddings have no labels to fine-tune a teacher on; give a ready teacher: {path: ...}");
      }
    }
  }

  static String prefix(int stages, int i) {
    return stages == 1 ? "" : "recipe." + i + ".";
  }

  /** Refuses to train over an earlier run's checkpoints unless resuming; clears them when overwriting. */
  private void prepareOutput(RunLayout layout, List<ResolvedStage> stages) throws IOException {
    List<Path> checkpointDirs = new ArrayList<>();
    for (ResolvedStage s : stages) checkpointDirs.add(layout.stageDir(s.name()).resolve("checkpoints"));
    checkpointDirs.add(layout.teacherTrainingDir().resolve("checkpoints"));
    boolean earlier = checkpointDirs.stream().anyMatch(Files::isDirectory);
    if (!earlier || options.resume()) return;
    if (!options.overwrite()) {
      throw new ConfigException(source, "training.output", "the run folder " + layout.output() + " already holds checkpoints of an earlier run; continue it with --resume, start afresh with --overwrite, or choose another --output");
    }
    for (Path d : checkpointDirs) deleteTree(d);
    deleteTree(layout.output().resolve("stages"));
    deleteTree(layout.teacherTrainingDir());
    boolean defaultTeacher = stages.stream().anyMatch(s -> s.stage().teacher().taskTeacher() != null && s.stage().teacher().taskTeacher().output() == null);
    if (defaultTeacher) deleteTree(layout.teacherDir());
    Files.deleteIfExists(layout.metrics());
    say("--overwrite: removed the checkpoints of the earlier run in " + layout.output());
  }

  private Device device() {
    return config.training().device() == TrainingConfig.Device.CUDA ? Device.cuda(0) : Device.CPU;
  }

  private Module buildStudent(TeacherSlot teacher, TaskConfig task) {
    StudentConfig sc = config.student();
    Path folder = sc.path() == null ? null : new RunLayout(configDir, null, 1).resolve(sc.path());
    return place(TaskModels.buildStudent(sc, teacher.module, task.type(), folder, new Rng(config.training().seed()), source));
  }

  /**
   * Moves a model to the run's device and, for bf16 mixed precision, casts its parameters to BF16
   * (the optimizer keeps F32 master weights; {@link TaskModels#adapt} hands F32 outputs to the losses).
   */
  private Module place(Module m) {
    m.to(device());
    if (config.training().dtype() == TrainingConfig.DType.BF16) m.to(jdistill.engine.DType.BF16);
    return m;
  }

  /** {@link #place(Module)} for a teacher, and its distillation view adapted again. */
  private void place(TeacherSlot teacher, TaskConfig task) {
    place(teacher.module);
    teacher.model = TaskModels.adapt(teacher.module, task);
  }

  private Evaluator evaluator(StagePlan p) {
    if (!p.data().hasEval() || p.metrics().isEmpty()) return null;
    boolean needsTeacher = TaskEvaluator.needsTeacher(p.metrics());
    Evaluator e = new TaskEvaluator(p.stage().task(), p.metrics(), p.data(), needsTeacher ? p.teacher().model : null);
    return console == null ? e : ProgressLines.printing(e, console, p.name());
  }

  private ExperimentResult stoppedResult(RunLayout layout, List<ExperimentResult.StageOutcome> outcomes) {
    return new ExperimentResult(layout.output(), outcomes, true, null, null, null, null, null);
  }

  private static String shape(Module m) {
    TransformerConfig c = TaskModels.configOf(m);
    return String.format(Locale.ROOT, "%s, %d layers x %d wide, %d heads, FFN %d", m.getClass().getSimpleName(), c.layers(), c.hidden(), c.heads(), c.intermediate());
  }

  private void say(String line) {
    if (console != null) console.println(line);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
