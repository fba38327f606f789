package jdistill.distill.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.config.TeacherConfig;
import jdistill.distill.core.DistillModel;
import jdistill.engine.CounterRng;
import jdistill.engine.Rng;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.HfConfigIo;
import jdistill.models.checkpoint.ModelSpec;

/**
 * One teacher of a run: a ready Hugging Face folder, or a base model that is fine-tuned on the
 * task first ({@code task_teacher}; an already fine-tuned one in its output folder is reused). It
 * knows its folder and shape before any weights are read, so that the tokenizer and the data can
 * be checked against it early.
 */
final class TeacherSlot {

  private static final long TEACHER_STREAM = 0x7465616368657221L;

  final TeacherConfig config;
  /** Where the config names it ("teacher" or "recipe.1.teacher"). */
  final String at;
  /** The folder the tokenizer defaults to: the ready teacher's, or the base model's. */
  final Path sourceFolder;
  /** The ready (or fine-tuned) teacher's folder. */
  final Path folder;
  /** What the source folder's config.json says. */
  final ModelSpec spec;
  /** True while the teacher still has to be fine-tuned. */
  boolean needsTraining;
  /** The generator the task teacher's dropout and head draw from, for fine-tuning. */
  final Rng rng;
  Module module;
  DistillModel model;

  private TeacherSlot(TeacherConfig config, String at, Path sourceFolder, Path folder, ModelSpec spec, boolean needsTraining, Rng rng) {
    this.config = config;
    this.at = at;
    this.sourceFolder = sourceFolder;
    this.folder = folder;
    this.spec = spec;
    this.needsTraining = needsTraining;
    this.rng = rng;
  }

  /** Reads the teacher's config.json and checks its family against the task; loads no weights. */
  static TeacherSlot prepare(TeacherConfig tc, TaskConfig.Type task, RunLayout layout, long seed, String source, String at) {
    if (tc.path() != null) {
      Path folder = layout.resolve(tc.path());
      ModelSpec spec = TaskModels.readSpec(folder, source, at + ".path");
      TaskModels.checkReadyFamily(spec.family(), task, source, at + ".path", folder);
      return new TeacherSlot(tc, at, folder, folder, spec, false, null);
    }
    var tt = tc.taskTeacher();
    Path base = layout.resolve(tt.base());
    Path out = tt.output() != null ? layout.resolve(tt.output()) : layout.teacherDir();
    if (Files.isRegularFile(out.resolve(HfCheckpoint.CONFIG))) {
      ModelSpec spec = TaskModels.readSpec(out, source, at + ".task_teacher.output");
      TaskModels.checkReadyFamily(spec.family(), task, source, at + ".task_teacher.output", out);
      return new TeacherSlot(tc, at, base, out, spec, false, null);
    }
    ModelSpec spec = TaskModels.readSpec(base, source, at + ".task_teacher.base");
    TaskModels.checkBaseFamily(spec.family(), task, source, at + ".task_teacher.base", base);
    return new TeacherSlot(tc, at, base, out, spec, true, new Rng(CounterRng.bits(seed ^ TEACHER_STREAM, 0)));
  }

  /**
   * Loads the weights: the ready teacher in eval mode, or the base model with the task's head
   * ({@code numLabels} classes) ready to be fine-tuned.
   */
  void load(TaskConfig task, int numLabels, String source) throws IOException {
    if (!needsTraining) {
      HfCheckpoint.Loaded loaded = loadFolder(folder, source, at);
      module = TaskModels.forTask(loaded.model(), task.type(), new Rng(0));
      module.eval();
    } else {
      HfCheckpoint.Loaded base = loadFolder(sourceFolder, source, at + ".task_teacher.base");
      module = TaskModels.withTaskHead(base.model(), task.type(), numLabels, rng);
    }
    model = TaskModels.adapt(module, task);
  }

  private static HfCheckpoint.Loaded loadFolder(Path folder, String source, String field) throws IOException {
    try {
      return new HfCheckpoint(new HfConfigIo()).read(folder);
    } catch (RuntimeException e) {
      throw new ConfigException(source, field, "cannot load the model in " + folder + ": " + e.getMessage());
    }
  }

  /** The number of classes of a ready classification teacher (1 for regression), 0 otherwise. */
  int readyLabels() {
    return spec.numLabels();
  }
}
