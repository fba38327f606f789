package jdistill.bench.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdistill.bench.GemmBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import jdistill.distill.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jdistill bench gemm}: runs {@link GemmBenchmark} (jdistill and OpenBLAS sgemm, same
 * threads) and prints GFLOP/s of both and their ratio per shape.
 */
@Command(
    name = "gemm",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "fp32 GEMM: jdistill (Vector API) against OpenBLAS (JavaCPP), same shapes and "
        + "threads. Prints GFLOP/s (2*M*N*K per call) from the mean of the measured iterations and "
        + "from the best one, and the ratio jdistill / OpenBLAS.")
public final class GemmBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin JmhOptions jmh;

  @Option(names = "--shapes", split = ",", paramLabel = "MxNxK",
      description = "Shapes to run (default: 1024x1024x1024 and the GPT-2-small layer GEMMs at 4096 tokens).")
  List<String> shapes;

  @Option(names = "--trans", defaultValue = "NN", paramLabel = "NN|NT|TN|TT",
      description = "Layouts of A and B: N as stored, T transposed; comma-separated (default: ${DEFAULT-VALUE}).",
      split = ",")
  List<String> trans;

  @Override
  public Integer call() throws RunnerException {
    String[] shapeList = shapes == null ? GemmBenchmark.SHAPES : shapes.toArray(String[]::new);
    try {
      for (String s : shapeList) GemmBenchmark.parseShape(s);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--shapes: " + e.getMessage());
    }
    for (String t : trans) {
      if (!t.matches("[NT][NT]")) {
        throw new ParameterException(spec.commandLine(), "--trans takes NN, NT, TN or TT, got '" + t + "'");
      }
    }
    var options = jmh.builder(spec,"^" + GemmBenchmark.class.getName().replace(".", "\\.") + "\\.")
        .param("shape", shapeList)
        .param("trans", trans.toArray(String[]::new))
        .build();
    Collection<RunResult> results = new Runner(options).run();

    Map<String, double[]> rows = new LinkedHashMap<>(); // key -> {ours mean, ours best, blas mean, blas best}
    for (String s : shapeList) {
      for (String t : trans) rows.put(s + " " + t, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
    }
    for (RunResult r : results) {
      String shape = r.getParams().getParam("shape");
      String t = r.getParams().getParam("trans");
      int[] mnk = GemmBenchmark.parseShape(shape);
      double gflop = 2.0 * mnk[0] * mnk[1] * mnk[2] / 1e9;
      double meanMs = r.getPrimaryResult().getScore();
      double bestMs = r.getPrimaryResult().getStatistics().getMin();
      boolean ours = r.getParams().getBenchmark().endsWith(".jdistill");
      double[] row = rows.computeIfAbsent(shape + " " + t, x -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
      row[ours ? 0 : 2] = gflop / (meanMs / 1e3);
      row[ours ? 1 : 3] = gflop / (bestMs / 1e3);
    }

    System.out.println();
    System.out.println("GEMM fp32, GFLOP/s (mean of measured iterations; best iteration in brackets)");
    System.out.println("machine: " + jmh.machine());
    System.out.println("config:  jdistill bench gemm " + jmh.describe() + " --trans " + String.join(",", trans));
    System.out.printf("%-16s %-5s %20s %20s %14s%n", "shape MxNxK", "trans", "jdistill", "OpenBLAS", "ratio");
    for (Map.Entry<String, double[]> e : rows.entrySet()) {
      String[] key = e.getKey().split(" ");
      double[] v = e.getValue();
      System.out.printf("%-16s %-5s %9.1f [%8.1f] %9.1f [%8.1f] %5.2f [%5.2f]%n", key[0], key[1],
          v[0], v[1], v[2], v[3], v[0] / v[2], v[1] / v[3]);
    }
    return 0;
  }
}
