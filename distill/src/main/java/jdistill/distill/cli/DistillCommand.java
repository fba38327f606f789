package jdistill.distill.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdistill.distill.config.ConfigException;
import jdistill.distill.data.DataException;
import jdistill.distill.experiment.Experiment;
import jdistill.distill.experiment.ExperimentOptions;
import jdistill.distill.experiment.ExperimentResult;
import jdistill.distill.train.NonFiniteLossException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdistill distill --config FILE.yaml}: runs the experiment the config describes (teacher,
 * student, task, data, methods, training; see {@code jdistill methods} for the methods) and prints
 * progress and the teacher-versus-student comparison. Exit codes: 0 done, 1 failed while running,
 * 2 the config or the data is wrong (nothing was trained), 130 stopped by Ctrl-C (resumable).
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
    description = {"Distil a student from a teacher as a YAML config describes, then write the report and the exported student.",
        "Relative paths in the config are read against the config file's folder."})
public final class DistillCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The experiment config (YAML or JSON).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config field, e.g. --set training.seed=3 --set methods.0.weight=0.5 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--resume", description = "Continue the run in the output folder from its last checkpoints.")
  boolean resume;

  @Option(names = "--overwrite", description = "Start afresh even if the output folder holds checkpoints of an earlier run (they are deleted).")
  boolean overwrite;

  @Option(names = "--output", paramLabel = "DIR", description = "The run folder (default: the config's training.output).")
  Path output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (resume && overwrite) {
      err.println("jdistill distill: --resume and --overwrite exclude each other");
      return 2;
    }
    PrintStream console = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
    ExperimentOptions options = new ExperimentOptions(output, resume, overwrite, console, false);
    try {
      ExperimentResult r = Experiment.load(config, overrides, options).run();
      console.flush();
      if (r.stopped()) {
        err.println("jdistill distill: stopped; continue with --resume");
        return 130;
      }
      return 0;
    } catch (ConfigException | DataException e) {
      console.flush();
      err.println("jdistill distill: " + e.getMessage());
      return 2;
    } catch (NonFiniteLossException e) {
      console.flush();
      err.println("jdistill distill: " + e.getMessage());
      return 1;
    }
  }

  /** UTF-8 bytes to a writer, a line (or a flush) at a time. */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') flush();
    }

    @Override
    public void flush() {
      if (line.size() > 0) {
        writer.write(line.toString(StandardCharsets.UTF_8));
        line.reset();
      }
      writer.flush();
    }
  }
}
