package jdistill.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backends;
import jdistill.engine.cuda.CudaBackend;
import jdistill.engine.cuda.GemmPrecision;
import jdistill.engine.nn.Parameter;
import jdistill.engine.testing.Closeness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's distillation step with real GPT-2 models on CUDA against the same step on the
 * CPU from the same seed: in F32 (exact GEMM) the student's logits, the loss and the gradient of
 * every student parameter; in BF16 mixed precision (bf16 weights, F32 master weights) the losses
 * of three training steps against the F32 CPU run.
 */
@Tag("gpu")
class DistillStepCudaParityTest {

  private static final Device CUDA = Device.cuda(0);

  private static StepConfig config(Device device, DType dtype) {
    return new StepConfig(device, dtype, new ModelShape(2, 64), new ModelShape(1, 64), 24, 2, 300, 32, 0, 1);
  }

  private static CudaBackend cuda() {
    String reason = CudaBackend.unavailableReason();
    assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
    return (CudaBackend) Backends.get(CUDA);
  }

  @Test
  void f32LogitsLossAndEveryGradientMatchTheCpu() {
    CudaBackend gpu = cuda();
    gpu.setF32Gemm(GemmPrecision.FP32);
    try (Scope scope = Scope.open()) {
      DistillStep onGpu = new DistillStep(config(CUDA, DType.F32), 5);
      DistillStep onCpu = new DistillStep(config(Device.CPU, DType.F32), 5);
      Closeness.assertClose("student logits", onCpu.student().forward(onCpu.ids()), onGpu.student().forward(onGpu.ids()), 1e-4);
      Tensor gpuLoss = onGpu.loss();
      Tensor cpuLoss = onCpu.loss();
      assertEquals(cpuLoss.item(), gpuLoss.item(), 1e-5 * Math.abs(cpuLoss.item()), "loss");
      gpuLoss.backward();
      cpuLoss.backward();
      Map<String, Parameter> cpuParams = onCpu.student().namedParameters();
      Map<String, Parameter> gpuParams = onGpu.student().namedParameters();
      assertEquals(cpuParams.keySet(), gpuParams.keySet());
      assertTrue(cpuParams.size() > 10, "a GPT-2 has more than ten parameters: " + cpuParams.keySet());
      // attention key biases get gradients that are zero in exact arithmetic: judge every
      // gradient against the mean magnitude of all of them too
      double floor = Closeness.meanAbs(cpuParams.values().stream().map(Parameter::grad).toList());
      for (String name : cpuParams.keySet()) {
        Closeness.assertClose("gradient of " + name, cpuParams.get(name).grad(), gpuParams.get(name).grad(), 1e-3, floor);
      }
    } finally {
      gpu.setF32Gemm(GemmPrecision.TF32);
    }
  }

  @Test
  void bf16MixedPrecisionStepsFollowTheF32CpuSteps() {
    cuda();
    DistillStep onGpu = new DistillStep(config(CUDA, DType.BF16), 9);
    DistillStep onCpu = new DistillStep(config(Device.CPU, DType.F32), 9);
    for (int i = 0; i < 3; i++) {
      double expected = onCpu.step();
      double got = onGpu.step();
      assertEquals(expected, got, 2e-2 * expected, "loss of step " + i);
    }
  }
}
