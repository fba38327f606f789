package jdistill.bench.cli;

import java.util.Collection;
import java.util.concurrent.Callable;
import jdistill.bench.CopyBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import jdistill.distill.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdistill bench copy}: the memory-bandwidth reference ({@link CopyBenchmark}) in GB/s. */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "System.arraycopy of a 4096 x 3072 float array, one thread: GB/s read + written.")
public final class CopyBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin JmhOptions jmh;

  @Override
  public Integer call() throws RunnerException {
    var options = jmh.builder(spec, "^" + CopyBenchmark.class.getName().replace(".", "\\.") + "\\.").build();
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.println("machine: " + jmh.machine());
    System.out.println("config:  jdistill bench copy " + jmh.describe());
    for (RunResult r : results) {
      double meanMs = r.getPrimaryResult().getScore();
      double bestMs = r.getPrimaryResult().getStatistics().getMin();
      System.out.printf("arraycopy 4096x3072 float: %.1f GB/s (best iteration %.1f GB/s)%n",
          CopyBenchmark.GB_PER_OP / (meanMs / 1e3), CopyBenchmark.GB_PER_OP / (bestMs / 1e3));
    }
    return 0;
  }
}
