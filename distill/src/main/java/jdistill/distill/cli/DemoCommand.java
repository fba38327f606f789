package jdistill.distill.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import jdistill.distill.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jdistill demo}: the self-contained distillation run on generated data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train a small GPT-2 teacher on a generated corpus, distil a student half its size, and compare them (CPU, no downloads).")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--output", defaultValue = "runs/demo", description = "Folder for the report (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--seed", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", description = "Training steps for the teacher and each student (default: 500).")
  Integer steps;

  @Override
  public Integer call() throws Exception {
    Demo.Settings d = Demo.Settings.defaults();
    int n = steps == null ? d.teacherSteps() : steps;
    Demo.Settings settings = new Demo.Settings(seed, d.sentences(), d.seqLen(), d.batch(), n, n, d.temperature(), d.alpha());
    new Demo(settings, System.out).run(output);
    return 0;
  }
}
