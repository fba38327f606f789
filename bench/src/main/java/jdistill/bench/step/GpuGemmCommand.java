package jdistill.bench.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jdistill.distill.cli.Version;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.cuda.GemmPrecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdistill bench gpu-gemm}: our CUDA matrix product in TFLOP/s at GPT-2 shapes. */
@Command(
    name = "gpu-gemm",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "CUDA matrix product [M,K] x [K,N] in TFLOP/s (2MKN per call, median over trials, "
        + "device synchronised around each trial) in bf16 and f32 (tf32 by default), with a check of "
        + "the first rows against F64 on the CPU. Needs a CUDA device.")
public final class GpuGemmCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--device", defaultValue = "cuda:0", description = "CUDA device (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--shapes", split = ",", paramLabel = "MxKxN",
      description = "Shapes (default: GPT-2 small's layer products at 4096 tokens: 4096x768x2304, 4096x768x768, 4096x768x3072, 4096x3072x768).")
  List<String> shapes;

  @Option(names = "--dtype", split = ",", defaultValue = "bf16,f32", description = "Dtypes, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> dtypes;

  @Option(names = "--f32", defaultValue = "tf32", description = "How f32 products run: tf32 or fp32 (default: ${DEFAULT-VALUE}).")
  String f32;

  @Option(names = "--trials", defaultValue = "10", description = "Timed trials of ~50 ms each (default: ${DEFAULT-VALUE}).")
  int trials;

  /** The checked arguments. */
  public record Args(Device device, List<GemmShape> shapes, List<DType> dtypes, GemmPrecision f32, int trials) {}

  /** Parses and checks the arguments (ParameterException naming the option). */
  public Args args() {
    try {
      Device dev = Device.parse(device);
      List<GemmShape> s = new ArrayList<>();
      for (String x : shapes == null ? List.of(GemmShape.GPT2) : shapes) s.add(GemmShape.parse(x));
      List<DType> d = new ArrayList<>();
      for (String x : dtypes) {
        d.add(switch (x.trim().toLowerCase(Locale.ROOT)) {
          case "bf16" -> DType.BF16;
          case "f32", "fp32" -> DType.F32;
          default -> throw new IllegalArgumentException("--dtype takes bf16 and/or f32, got '" + x + "'");
        });
      }
      if (trials < 1) throw new IllegalArgumentException("--trials must be at least 1, got " + trials);
      return new Args(dev, List.copyOf(s), List.copyOf(d), GemmPrecision.parse(f32, "--f32"), trials);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    Args a = args();
    String why = DeviceInfo.cudaUnavailable(a.device());
    if (why != null) {
      spec.commandLine().getErr().println("bench gpu-gemm needs a CUDA device: " + why);
      return 2;
    }
    List<GpuGemmBench.Row> rows = GpuGemmBench.run(a.device(), a.shapes(), a.dtypes(), a.f32(), a.trials(), 1);
    System.out.println("GPU GEMM on " + DeviceInfo.describe(a.device()));
    System.out.printf(Locale.ROOT, "%-16s %-6s %10s %10s %10s%n", "MxKxN", "mode", "ms", "TFLOP/s", "rel.err");
    boolean ok = true;
    for (GpuGemmBench.Row r : rows) {
      boolean good = r.relError() <= GpuGemmBench.tolerance(r.dtype(), r.precision());
      ok &= good;
      System.out.printf(Locale.ROOT, "%-16s %-6s %10.4f %10.1f %10.2e%s%n", r.shape(), r.precision(), r.seconds() * 1e3, r.tflops(), r.relError(),
          good ? "" : "  WRONG (over " + GpuGemmBench.tolerance(r.dtype(), r.precision()) + ")");
    }
    for (GpuGemmBench.Row r : rows) {
      System.out.println(new JsonLine().put("bench", "gemm").put("impl", "jdistill").put("shape", r.shape().toString())
          .put("mode", r.precision()).put("ms", r.seconds() * 1e3).put("tflops", r.tflops()).put("rel_err", r.relError()));
    }
    return ok ? 0 : 1;
  }
}
