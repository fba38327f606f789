package jdistill.bench.step;

import java.util.Locale;
import java.util.concurrent.Callable;
import jdistill.distill.cli.Version;
import jdistill.engine.DType;
import jdistill.engine.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdistill bench kd-loss}: the fused soft-target loss in GB/s against device copies. */
@Command(
    name = "kd-loss",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Fused KL soft-target loss (T=2) with its gradient over [batch*seq, vocab] logits: GB/s = "
        + "(student + teacher read, gradient + per-row loss written) / time, against a device memcpy and "
        + "the backend's copy kernel of one logit tensor (read + write) in the same run. Needs a CUDA device.")
public final class KdLossCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--device", defaultValue = "cuda:0", description = "CUDA device (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--batch", defaultValue = "8", description = "Sequences (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq", defaultValue = "1024", description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--vocab", defaultValue = "50257", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--dtype", defaultValue = "bf16", description = "bf16 or f32 logits (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--no-grad", description = "Loss only, no gradient written.")
  boolean noGrad;

  @Option(names = "--trials", defaultValue = "10", description = "Timed trials of ~50 ms each (default: ${DEFAULT-VALUE}).")
  int trials;

  /** The checked arguments. */
  public record Args(Device device, int rows, KdLossTraffic traffic, DType dtype, int trials) {}

  /** Parses and checks the arguments (ParameterException naming the option). */
  public Args args() {
    try {
      Device dev = Device.parse(device);
      if (batch < 1 || seq < 1) throw new IllegalArgumentException("--batch and --seq must be at least 1, got " + batch + " and " + seq);
      long rows = (long) batch * seq;
      if (rows * vocab > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("--batch * --seq * --vocab = " + rows * vocab + " elements is over " + Integer.MAX_VALUE + " per tensor");
      }
      DType dt = switch (dtype.trim().toLowerCase(Locale.ROOT)) {
        case "bf16" -> DType.BF16;
        case "f32", "fp32" -> DType.F32;
        default -> throw new IllegalArgumentException("--dtype must be bf16 or f32, got '" + dtype + "'");
      };
      if (trials < 1) throw new IllegalArgumentException("--trials must be at least 1, got " + trials);
      return new Args(dev, (int) rows, new KdLossTraffic(rows, vocab, dt.byteSize(), !noGrad), dt, trials);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    Args a = args();
    String why = DeviceInfo.cudaUnavailable(a.device());
    if (why != null) {
      spec.commandLine().getErr().println("bench kd-loss needs a CUDA device: " + why);
      return 2;
    }
    KdLossBench.Result r = KdLossBench.run(a.device(), a.rows(), vocab, a.dtype(), !noGrad, a.trials(), 1);
    KdLossTraffic t = r.traffic();
    System.out.println("fused KD loss on " + DeviceInfo.describe(a.device()));
    System.out.printf(Locale.ROOT, "logits [%d, %d] %s, gradient %s; loss moves %.3f GB, a copy %.3f GB%n", t.rows(), t.vocab(),
        a.dtype().name().toLowerCase(Locale.ROOT), t.withGradient() ? "written" : "not written", t.lossBytes() / 1e9, t.copyBytes() / 1e9);
    System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s%n", "", "ms", "GB/s", "of memcpy");
    System.out.printf(Locale.ROOT, "%-22s %10.3f %10.1f %10.2f%n", "memcpy (driver)", r.memcpySeconds() * 1e3, r.memcpyGbps(), 1.0);
    System.out.printf(Locale.ROOT, "%-22s %10.3f %10.1f %10.2f%n", "copy kernel", r.copyKernelSeconds() * 1e3, r.copyKernelGbps(), r.copyKernelGbps() / r.memcpyGbps());
    System.out.printf(Locale.ROOT, "%-22s %10.3f %10.1f %10.2f%n", "fused KL loss", r.lossSeconds() * 1e3, r.lossGbps(), r.lossGbps() / r.memcpyGbps());
    double tol = a.dtype() == DType.BF16 ? 2e-2 : 1e-4;
    boolean ok = r.lossRelError() <= tol && r.gradRelError() <= tol;
    System.out.printf(Locale.ROOT, "check against F64 (first rows): loss rel.err %.2e, gradient rel.err %.2e%s%n", r.lossRelError(), r.gradRelError(),
        ok ? "" : "  WRONG (over " + tol + ")");
    System.out.println(new JsonLine().put("bench", "kd_loss").put("impl", "jdistill").put("rows", t.rows()).put("vocab", t.vocab())
        .put("dtype", a.dtype().name().toLowerCase(Locale.ROOT)).put("grad", t.withGradient()).put("loss_ms", r.lossSeconds() * 1e3)
        .put("loss_gbps", r.lossGbps()).put("memcpy_gbps", r.memcpyGbps()).put("copy_kernel_gbps", r.copyKernelGbps())
        .put("ratio_to_memcpy", r.lossGbps() / r.memcpyGbps()));
    return ok ? 0 : 1;
  }
}
