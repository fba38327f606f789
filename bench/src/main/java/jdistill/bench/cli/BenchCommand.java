package jdistill.bench.cli;

import java.util.concurrent.Callable;
import jdistill.distill.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdistill bench}: runs the JMH suites with a short configuration and prints a summary. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Runs benchmarks (JMH, forked JVMs) and prints a summary table.",
    subcommands = {GemmBenchCommand.class, CopyBenchCommand.class, MemoryBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }
}
