package jdistill.distill.experiment;

import java.nio.file.Path;

/**
 * Where a run reads and writes. Relative paths in a config are read against the config file's
 * folder, so a config and its data can move together; the run folder holds {@code config.yaml}
 * (the effective config), {@code metrics.jsonl}, {@code checkpoints/}, {@code plots/}, {@code
 * report.md}, {@code report.html} and {@code student/}. A recipe's stages train in {@code
 * stages/<name>/} (each with its own metrics and checkpoints), and their metrics are joined into
 * the run's {@code metrics.jsonl}; a single stage trains in the run folder itself.
 *
 * @param configDir the folder relative config paths are read against
 * @param output the run folder
 * @param stages how many stages the run has
 */
record RunLayout(Path configDir, Path output, int stages) {

  /** {@code path} as given when absolute, else against the config's folder. */
  Path resolve(String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p.normalize() : configDir.resolve(p).normalize();
  }

  /** The folder stage {@code name} trains in. */
  Path stageDir(String name) {
    return stages == 1 ? output : output.resolve("stages").resolve(name);
  }

  /** Where a fine-tuned task teacher is written unless its config names a folder. */
  Path teacherDir() {
    return output.resolve("teacher");
  }

  /** Where the task teacher's fine-tuning keeps its metrics and checkpoints. */
  Path teacherTrainingDir() {
    return output.resolve("teacher-training");
  }

  Path metrics() {
    return output.resolve("metrics.jsonl");
  }

  Path effectiveConfig() {
    return output.resolve("config.yaml");
  }
}
