package jdistill.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The JMH run configuration shared by the {@code bench} subcommands. The defaults are short (one
 * fork, 2 warm-up and 3 measured iterations of 1 s): enough for a table, not for a paper.
 */
final class JmhOptions {

  @Option(names = "--forks", defaultValue = "1", description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
  int forks;

  @Option(names = "--warmup", defaultValue = "2", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmupIterations;

  @Option(names = "--warmup-time", defaultValue = "1", description = "Seconds per warm-up iteration (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--iterations", defaultValue = "3", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--time", defaultValue = "1", description = "Seconds per measured iteration (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--threads", description = "CPU threads for jdistill and OpenBLAS (default: -Djdistill.cpu.threads, else all cores).")
  Integer threads;

  @Option(names = "--quiet", description = "Hide JMH's own progress output.")
  boolean quiet;

  /** JMH options for the benchmarks whose names match {@code include} (a regular expression). */
  ChainedOptionsBuilder builder(CommandSpec spec, String include) {
    if (forks < 0 || warmupIterations < 0 || iterations < 1 || warmupSeconds < 1 || seconds < 1) {
      throw new ParameterException(spec.commandLine(), "need --forks >= 0, --warmup >= 0, "
          + "--iterations >= 1, --warmup-time >= 1 and --time >= 1");
    }
    List<String> jvm = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    if (threads != null) {
      if (threads < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
      jvm.add("-Djdistill.cpu.threads=" + threads);
    }
    return new OptionsBuilder()
        .include(include)
        .forks(forks)
        .warmupIterations(warmupIterations)
        .warmupTime(TimeValue.seconds(warmupSeconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(seconds))
        .jvmArgsAppend(jvm.toArray(String[]::new))
        .verbosity(quiet ? VerboseMode.SILENT : VerboseMode.NORMAL);
  }

  /** The configuration as command-line options, for the report. */
  String describe() {
    return "--forks " + forks + " --warmup " + warmupIterations + " --warmup-time " + warmupSeconds
        + " --iterations " + iterations + " --time " + seconds + (threads == null ? "" : " --threads " + threads);
  }

  /** CPU model, cores, threads used, JVM and date, for the report. */
  String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (Exception e) {
      cpu = System.getProperty("os.arch");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return cpu + ", " + cores + " cores, threads " + (threads != null ? threads
        : Integer.getInteger("jdistill.cpu.threads", cores)) + ", Java " + Runtime.version() + ", "
        + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
