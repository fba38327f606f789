package jdistill.bench.cli;

import java.util.Collection;
import java.util.concurrent.Callable;
import jdistill.bench.CopyBenchmark;
import jdistill.bench.MemoryBoundBenchmark;
import jdistill.distill.cli.Version;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jdistill bench memory}: softmax and layer norm over 4096 x 3072 floats in GB/s, next to a
 * plain array copy of the same bytes measured in the same run, and the ratio.
 */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Softmax and layer norm (4096 x 3072 floats, all cores) in GB/s against System.arraycopy of the same bytes.")
public final class MemoryBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin JmhOptions jmh;

  @Override
  public Integer call() throws RunnerException {
    String pattern = "^(" + CopyBenchmark.class.getName().replace(".", "\\.") + "|" + MemoryBoundBenchmark.class.getName().replace(".", "\\.") + ")\\.";
    Collection<RunResult> results = new Runner(jmh.builder(spec, pattern).build()).run();
    double copy = Double.NaN;
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith(".arraycopy")) copy = gbPerSecond(r);
    }
    System.out.println();
    System.out.println("machine: " + jmh.machine());
    System.out.println("config:  jdistill bench memory " + jmh.describe());
    System.out.printf("%-12s %10s %16s%n", "kernel", "GB/s", "ratio to copy");
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
      double gbs = gbPerSecond(r);
      System.out.printf("%-12s %10.1f %16.2f%n", name, gbs, gbs / copy);
    }
    return 0;
  }

  private static double gbPerSecond(RunResult r) {
    return CopyBenchmark.GB_PER_OP / (r.getPrimaryResult().getScore() / 1e3);
  }
}
