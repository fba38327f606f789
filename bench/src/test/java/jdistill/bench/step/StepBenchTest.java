package jdistill.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import jdistill.distill.cli.Main;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.F;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.gpt2.CausalLm;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code jdistill bench step} on the CPU at tiny shapes, and the step's loss against an independent build-up. */
class StepBenchTest {

  @Test
  void runsOnTheCpuAndReportsFiniteThroughput() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(ps);
      code = Main.commandLine().execute("bench", "step", "--device", "cpu", "--teacher", "2x64", "--student", "1x64",
          "--seq", "32", "--batch", "2", "--vocab", "100", "--steps", "2", "--warmup", "1");
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    String json = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError("no JSON line in\n" + out));
    double tps = number(json, "tokens_per_s");
    assertTrue(Double.isFinite(tps) && tps > 0, json);
    assertTrue(json.contains("\"mfu\": null"), "no peak on the CPU by default, so MFU is null: " + json);
    assertTrue(json.contains("\"peak_mem_bytes\": null"), json);
    double flops = number(json, "flops_per_step");
    assertEquals(FlopCount.step(new ModelShape(2, 64), new ModelShape(1, 64), 100, 32, 2), flops, 1e-5 * flops);
    assertTrue(out.contains("MFU: n/a"), out);
  }

  @Test
  void mfuWithAGivenPeak() {
    StepConfig c = new StepConfig(Device.CPU, DType.F32, new ModelShape(1, 32), new ModelShape(1, 32), 8, 1, 50, 16, 0, 1);
    StepResult r = StepBench.run(c, 0.5, 3);
    assertEquals(r.achievedTflops() / 0.5, r.mfu(), 1e-12);
    assertTrue(r.lossesFinite());
    assertTrue(r.json().contains("\"peak_tflops\": 0.5"), r.json());
  }

  @Test
  void lossIsKlPlusTheCausalLmLoss() {
    StepConfig c = new StepConfig(Device.CPU, DType.F32, new ModelShape(2, 32), new ModelShape(1, 32), 6, 2, 40, 16, 0, 1);
    DistillStep step = new DistillStep(c, 7);
    try (Scope s = Scope.open(); var g = GradMode.noGrad()) {
      double ours = step.loss().item();
      Tensor tl = step.teacher().forward(step.ids());
      Tensor sl = step.student().forward(step.ids());
      // KL at T = 2 written out: T^2 * mean over rows of sum p_t (log p_t - log p_s)
      Tensor lt = tl.div(2.0).logSoftmax(-1);
      Tensor ls = sl.div(2.0).logSoftmax(-1);
      double kl = lt.exp().mul(lt.sub(ls)).sum(-1, false).mean().item() * 4.0;
      double ce = CausalLm.loss(sl, step.ids(), null).item();
      assertEquals(kl + ce, ours, 1e-4 * Math.abs(kl + ce));
      assertTrue(kl > 0 && ce > 0);
      assertEquals(kl, F.klDiv(sl.reshape(12, 40), tl.reshape(12, 40), 2.0, null).item(), 1e-4 * kl);
    }
  }

  @Test
  void aStepLowersTheLossOnTheSameBatch() {
    StepConfig c = new StepConfig(Device.CPU, DType.F32, new ModelShape(1, 32), new ModelShape(1, 32), 8, 2, 30, 16, 0, 1);
    DistillStep step = new DistillStep(c, 11);
    double first = step.step();
    double later = first;
    for (int i = 0; i < 5; i++) later = step.step();
    assertTrue(later < first, "AdamW steps on one batch should lower the loss: " + first + " -> " + later);
  }

  @Test
  void rejectsBadArguments() {
    assertError("--teacher must be LAYERSxWIDTH (e.g. 12x768), got '12-768'", "bench", "step", "--device", "cpu", "--teacher", "12-768");
    assertError("--dtype must be f32 or bf16, got 'f16'", "bench", "step", "--device", "cpu", "--dtype", "f16");
    assertError("not multiples of 64: pass --heads", "bench", "step", "--device", "cpu", "--student", "1x96");
    assertError("--seq must be at least 2", "bench", "step", "--device", "cpu", "--seq", "1");
  }

  private static void assertError(String expected, String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertNotEquals(0, code);
    assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
  }

  static double number(String json, String key) {
    var m = java.util.regex.Pattern.compile("\"" + key + "\": ([-+0-9.eE]+|null)").matcher(json);
    assertTrue(m.find(), "no " + key + " in " + json);
    return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
  }
}
