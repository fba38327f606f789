package jdistill.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdistill.distill.cli.Main;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.cpu.CpuBackend;
import jdistill.engine.cuda.GemmPrecision;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench gpu-gemm} and {@code bench kd-loss} on the CPU: arguments, arithmetic, references, no-GPU exit. */
class GpuBenchArgsTest {

  @Test
  void registered() {
    var bench = Main.commandLine().getSubcommands().get("bench").getSubcommands();
    assertTrue(bench.containsKey("step") && bench.containsKey("gpu-gemm") && bench.containsKey("kd-loss"), bench.keySet().toString());
  }

  @Test
  void gemmShapesAndFlops() {
    GemmShape s = GemmShape.parse("4096x768x2304");
    assertEquals(new GemmShape(4096, 768, 2304), s);
    assertEquals(2.0 * 4096 * 768 * 2304, s.flops());
    assertEquals(14.495514624, s.flops() / 1e9, 1e-9);
    // 14.5 GFLOP in 29 us is 500 TFLOP/s
    assertEquals(499.8, s.tflops(29e-6), 0.1);
    assertEquals((4096L * 768 + 768 * 2304 + 4096L * 2304) * 2, s.bytes(2));
    assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("4096x768"));
    assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("4096x0x768"));
    assertEquals(4, GemmShape.GPT2.length);
    // 4096x3072x768 bf16: 25 MB + 4.7 MB per set -> 9 sets wanted, capped at 8; small shapes get 8 too
    assertEquals(8, GpuGemmBench.inputSets(GemmShape.parse("4096x3072x768"), DType.BF16));
    assertEquals(1, GpuGemmBench.inputSets(new GemmShape(8192, 8192, 1), DType.F32)); // one set is already 268 MB
    assertEquals(2, GpuGemmBench.inputSets(new GemmShape(8192, 4096, 1), DType.F32)); // 134 MB a set
  }

  @Test
  void kdLossTraffic() {
    KdLossTraffic t = new KdLossTraffic(8192, 50257, 2, true);
    assertEquals(8192L * 50257, t.logitElements());
    // student + teacher read, gradient written: 3 x 823.4 MB, plus 16 KB of per-row losses
    assertEquals(3L * 8192 * 50257 * 2 + 8192 * 2, t.lossBytes());
    assertEquals(2L * 8192 * 50257 * 2, t.copyBytes());
    assertEquals(2L * 8192 * 50257 * 2 + 8192 * 2, new KdLossTraffic(8192, 50257, 2, false).lossBytes());
    assertEquals(1000.0, KdLossTraffic.gbPerSecond(2_000_000_000L, 2e-3), 1e-9);
  }

  @Test
  void gemmArgs() {
    GpuGemmCommand cmd = new GpuGemmCommand();
    CommandLine cli = new CommandLine(cmd);
    cli.parseArgs("--shapes", "64x32x16,128x64x32", "--dtype", "f32", "--f32", "fp32", "--trials", "3");
    GpuGemmCommand.Args a = cmd.args();
    assertEquals(List.of(new GemmShape(64, 32, 16), new GemmShape(128, 64, 32)), a.shapes());
    assertEquals(List.of(DType.F32), a.dtypes());
    assertEquals(GemmPrecision.FP32, a.f32());
    assertEquals(Device.cuda(0), a.device());
    GpuGemmCommand defaults = new GpuGemmCommand();
    new CommandLine(defaults).parseArgs();
    assertEquals(List.of(DType.BF16, DType.F32), defaults.args().dtypes());
    assertEquals(GemmPrecision.TF32, defaults.args().f32());
    assertEquals(4, defaults.args().shapes().size());
  }

  @Test
  void kdLossArgs() {
    KdLossCommand cmd = new KdLossCommand();
    new CommandLine(cmd).parseArgs("--batch", "2", "--seq", "4", "--vocab", "10", "--dtype", "f32", "--no-grad");
    KdLossCommand.Args a = cmd.args();
    assertEquals(8, a.rows());
    assertEquals(new KdLossTraffic(8, 10, 4, false), a.traffic());
  }

  @Test
  void badArgumentsAreNamedBeforeAnyDeviceIsTouched() {
    assertError("shape must be MxKxN (e.g. 4096x768x2304), got '12x3'", "bench", "gpu-gemm", "--shapes", "12x3");
    assertError("--dtype takes bf16 and/or f32, got 'f16'", "bench", "gpu-gemm", "--dtype", "f16");
    assertError("--f32: unknown F32 GEMM precision 'x'", "bench", "gpu-gemm", "--f32", "x");
    assertError("--dtype must be bf16 or f32, got 'f64'", "bench", "kd-loss", "--dtype", "f64");
    assertError("elements is over 2147483647 per tensor", "bench", "kd-loss", "--batch", "64", "--seq", "1024");
  }

  @Test
  void withoutACudaDeviceTheyExitWithAClearMessage() {
    boolean driver = Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/proc/driver/nvidia/version"));
    assumeFalse(driver, "an NVIDIA driver is installed here");
    assertError("bench gpu-gemm needs a CUDA device: no usable CUDA device cuda:0: no CUDA driver/device found", "bench", "gpu-gemm");
    assertError("bench kd-loss needs a CUDA device: no usable CUDA device cuda:0: no CUDA driver/device found", "bench", "kd-loss");
    assertError("bench gpu-gemm needs a CUDA device: device cpu is not a CUDA device", "bench", "gpu-gemm", "--device", "cpu");
  }

  @Test
  void klReferenceMatchesTheCpuBackendAndTheCheckPasses() {
    Rng rng = new Rng(5);
    int n = 3, v = 37;
    Tensor s = Tensor.randn(rng, 2.0, n, v);
    Tensor t = Tensor.randn(rng, 2.0, n, v);
    Tensor loss = Tensor.empty(DType.F32, Device.CPU, n);
    Tensor grad = Tensor.empty(DType.F32, Device.CPU, n, v);
    CpuBackend.INSTANCE.softTargetLoss(SoftTargetLoss.KL, s, t, 2.0, null, loss, grad);
    double[] errs = KdLossBench.check(s, t, loss, grad, n);
    assertTrue(errs[0] < 1e-5 && errs[1] < 1e-5, errs[0] + " " + errs[1]);
    // a wrong gradient is caught
    Tensor bad = grad.mul(1.01);
    assertTrue(KdLossBench.check(s, t, loss, bad, n)[1] > 5e-3);
  }

  @Test
  void gemmCheckOnTheCpu() {
    Rng rng = new Rng(9);
    Tensor a = Tensor.uniform(rng, -1, 1, 20, 12);
    Tensor b = Tensor.uniform(rng, -1, 1, 12, 7);
    Tensor out = a.matmul(b);
    assertTrue(GpuGemmBench.relErrorOfHead(a, b, out, 16) < 1e-6);
    assertTrue(GpuGemmBench.relErrorOfHead(a, b, out.mul(1.001), 16) > 5e-4);
  }

  private static void assertError(String expected, String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertNotEquals(0, code);
    assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
  }
}
