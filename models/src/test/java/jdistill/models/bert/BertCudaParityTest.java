package jdistill.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backends;
import jdistill.engine.cuda.CudaBackend;
import jdistill.engine.cuda.GemmPrecision;
import jdistill.engine.nn.Parameter;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import jdistill.engine.testing.Closeness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A BERT sequence classifier on CUDA against the same model on the CPU: a padded batch (key mask),
 * token types, GELU-erf, the pooler; logits, loss and the gradient of every parameter (F32, exact
 * GEMM).
 */
@Tag("gpu")
class BertCudaParityTest {

  @Test
  void paddedBatchLogitsLossAndGradientsMatchTheCpu() {
    String reason = CudaBackend.unavailableReason();
    assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
    Device cuda = Device.cuda(0);
    CudaBackend gpu = (CudaBackend) Backends.get(cuda);
    gpu.setF32Gemm(GemmPrecision.FP32);
    TransformerConfig c = new TransformerConfig(300, 64, 2, 64, 2, 2, 256, 1e-12, Activation.GELU_ERF, 0.0, 0.0);
    BertForSequenceClassification onCpu = new BertForSequenceClassification(c, 3, new Rng(3));
    BertForSequenceClassification onGpu = new BertForSequenceClassification(c, 3, new Rng(3));
    onGpu.to(cuda);
    long[] ids = new long[3 * 10];
    long[] types = new long[ids.length];
    double[] mask = new double[ids.length];
    int[] lengths = {10, 6, 1};
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 37 + 11) % 300;
      types[i] = i % 10 >= 5 ? 1 : 0;
      mask[i] = i % 10 < lengths[i / 10] ? 1 : 0;
    }
    Tensor idt = Tensor.ofLongs(ids, 3, 10);
    Tensor tt = Tensor.ofLongs(types, 3, 10);
    Tensor mt = Tensor.of(mask, 3, 10).to(DType.F32);
    Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1}, 3);
    try (Scope scope = Scope.open()) {
      Tensor cpuLogits = onCpu.forward(idt, mt, tt, TapRecorder.none()).logits();
      Tensor gpuLogits = onGpu.forward(idt.to(cuda), mt.to(cuda), tt.to(cuda), TapRecorder.none()).logits();
      Closeness.assertClose("logits", cpuLogits, gpuLogits, 1e-4);
      Tensor cpuLoss = F.crossEntropy(cpuLogits, labels);
      Tensor gpuLoss = F.crossEntropy(gpuLogits, labels.to(cuda));
      assertEquals(cpuLoss.item(), gpuLoss.item(), 1e-5 * Math.abs(cpuLoss.item()), "loss");
      cpuLoss.backward();
      gpuLoss.backward();
      Map<String, Parameter> expected = onCpu.namedParameters();
      Map<String, Parameter> actual = onGpu.namedParameters();
      assertEquals(expected.keySet(), actual.keySet());
      // the attention key bias gets a gradient that is zero in exact arithmetic (softmax ignores a
      // per-query constant): judge every gradient against the mean magnitude of all of them too
      double floor = Closeness.meanAbs(expected.values().stream().map(Parameter::grad).toList());
      for (String name : expected.keySet()) {
        Closeness.assertClose("gradient of " + name, expected.get(name).grad(), actual.get(name).grad(), 1e-3, floor);
      }
    } finally {
      gpu.setF32Gemm(GemmPrecision.TF32);
    }
  }
}
