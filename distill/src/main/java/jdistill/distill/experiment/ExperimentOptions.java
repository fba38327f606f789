package jdistill.distill.experiment;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * How an {@link Experiment} runs, beside what its config says.
 *
 * @param output the run folder, overriding the config's {@code training.output}; null keeps it
 * @param resume continue every stage from its last checkpoint in the run folder
 * @param overwrite start afresh even when the run folder holds checkpoints of an earlier run (they
 *     are deleted); without it (and without {@code resume}) such a folder is an error
 * @param console where progress and messages go, or null for silence
 * @param progressBar draw the trainer's progress bar (only ever drawn on a terminal)
 */
public record ExperimentOptions(Path output, boolean resume, boolean overwrite, PrintStream console, boolean progressBar) {

  public ExperimentOptions {
    if (resume && overwrite) throw new IllegalArgumentException("resume and overwrite exclude each other: resume continues the run in the folder, overwrite deletes it");
  }

  /** The config's output folder, no resume, no overwrite, messages to {@code console}, no progress bar. */
  public static ExperimentOptions defaults(PrintStream console) {
    return new ExperimentOptions(null, false, false, console, false);
  }

  public ExperimentOptions withOutput(Path v) {
    return new ExperimentOptions(v, resume, overwrite, console, progressBar);
  }

  public ExperimentOptions withResume(boolean v) {
    return new ExperimentOptions(output, v, overwrite, console, progressBar);
  }

  public ExperimentOptions withOverwrite(boolean v) {
    return new ExperimentOptions(output, resume, v, console, progressBar);
  }

  public ExperimentOptions withProgressBar(boolean v) {
    return new ExperimentOptions(output, resume, overwrite, console, v);
  }
}
