package jdistill.bench.cli;

import java.util.concurrent.Callable;
import jdistill.bench.step.DeviceInfo;
import jdistill.bench.step.ModelShape;
import jdistill.bench.step.StepBench;
import jdistill.bench.step.StepConfig;
import jdistill.bench.step.StepResult;
import jdistill.distill.cli.Version;
import jdistill.engine.DType;
import jdistill.engine.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jdistill bench step}: times one GPT-2 distillation training step (teacher forward, student
 * forward and backward, KL + shifted cross-entropy, AdamW) and prints tokens/s, MFU and peak memory,
 * then one JSON line.
 */
@Command(
    name = "step",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Times one distillation training step of a random GPT-2 student against a random GPT-2 "
        + "teacher: teacher forward (no grad), student forward + backward, loss = KL(T=2) + shifted "
        + "cross-entropy, AdamW (F32 master weights for bf16). Prints tokens/s at the median step, "
        + "MFU = model FLOPs/s over the device peak (6N_s+12L_sSW_s + 2N_t+4L_tSW_t per token, "
        + "N = 12LW^2+VW), peak device memory, and a JSON line.")
public final class StepBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--device", defaultValue = "cuda", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--teacher", defaultValue = "12x768", paramLabel = "LxW", description = "Teacher layers x width (default: ${DEFAULT-VALUE}).")
  String teacher;

  @Option(names = "--student", defaultValue = "6x768", paramLabel = "LxW", description = "Student layers x width (default: ${DEFAULT-VALUE}).")
  String student;

  @Option(names = "--seq", defaultValue = "1024", description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--batch", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--vocab", defaultValue = "50257", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--heads", description = "Attention heads of both models (default: width / 64); both widths must divide by it.")
  Integer heads;

  @Option(names = "--dtype", description = "f32 or bf16 parameters (default: bf16 on cuda, f32 on cpu).")
  String dtype;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--peak-tflops", description = "Device peak TFLOP/s for MFU (default: from the device name for H100/H200; n/a otherwise).")
  Double peakTflops;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights and tokens (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The parsed configuration; a ParameterException naming the option otherwise. */
  StepConfig config() {
    try {
      Device dev = Device.parse(device);
      DType dt = dtype == null ? (dev.kind() == Device.Kind.CUDA ? DType.BF16 : DType.F32) : parseDType(dtype);
      ModelShape t = ModelShape.parse(teacher, "--teacher");
      ModelShape s = ModelShape.parse(student, "--student");
      int headDim;
      if (heads == null) {
        headDim = 64;
        if (t.width() % 64 != 0 || s.width() % 64 != 0) {
          throw new IllegalArgumentException("widths " + t.width() + " and " + s.width() + " are not multiples of 64: pass --heads");
        }
      } else {
        if (heads < 1) throw new IllegalArgumentException("--heads must be at least 1, got " + heads);
        if (t.width() % heads != 0 || s.width() % heads != 0 || t.width() / heads != s.width() / heads) {
          throw new IllegalArgumentException("--heads " + heads + " must divide both widths (" + t.width() + ", " + s.width() + ") into equal head widths");
        }
        headDim = t.width() / heads;
      }
      if (peakTflops != null && !(peakTflops > 0)) throw new IllegalArgumentException("--peak-tflops must be positive, got " + peakTflops);
      return new StepConfig(dev, dt, t, s, seq, batch, vocab, headDim, warmup, steps);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  static DType parseDType(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "f32", "fp32", "float32" -> DType.F32;
      case "bf16", "bfloat16" -> DType.BF16;
      default -> throw new IllegalArgumentException("--dtype must be f32 or bf16, got '" + text + "'");
    };
  }

  @Override
  public Integer call() {
    StepConfig c = config();
    if (c.device().kind() == Device.Kind.CUDA) {
      String why = DeviceInfo.cudaUnavailable(c.device());
      if (why != null) {
        spec.commandLine().getErr().println("bench step: " + why);
        return 2;
      }
    }
    StepResult r = StepBench.run(c, peakTflops == null ? Double.NaN : peakTflops, seed);
    System.out.print(r.report());
    System.out.println(r.json());
    if (!r.lossesFinite()) {
      spec.commandLine().getErr().println("bench step: a loss was not finite: " + java.util.Arrays.toString(r.losses()));
      return 1;
    }
    return 0;
  }
}
