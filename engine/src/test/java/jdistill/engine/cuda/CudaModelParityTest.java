package jdistill.engine.cuda;

import static jdistill.engine.cuda.Gpu.assertClose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A whole small transformer block (embedding, layer norms, causal attention, GELU MLP, output
 * head) built from engine ops, run forward and backward on CUDA and on the CPU from the same
 * parameters: the loss, the logits and the gradient of every parameter must agree.
 */
@Tag("gpu")
class CudaModelParityTest {

  private static final int B = 2;
  private static final int T = 9;
  private static final int D = 32;
  private static final int H = 4;
  private static final int V = 50;

  /** Parameters of the block, CPU F32, by name. */
  private static Map<String, Tensor> parameters() {
    Rng rng = new Rng(2024);
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("embedding", Tensor.randn(rng, 0.5, V, D));
    p.put("ln1.weight", Tensor.randn(rng, 0.1, D).add(1));
    p.put("ln1.bias", Tensor.randn(rng, 0.1, D));
    p.put("qkv.weight", Tensor.randn(rng, 0.2, 3 * D, D));
    p.put("qkv.bias", Tensor.randn(rng, 0.1, 3 * D));
    p.put("proj.weight", Tensor.randn(rng, 0.2, D, D));
    p.put("proj.bias", Tensor.randn(rng, 0.1, D));
    p.put("ln2.weight", Tensor.randn(rng, 0.1, D).add(1));
    p.put("ln2.bias", Tensor.randn(rng, 0.1, D));
    p.put("fc.weight", Tensor.randn(rng, 0.2, 4 * D, D));
    p.put("fc.bias", Tensor.randn(rng, 0.1, 4 * D));
    p.put("out.weight", Tensor.randn(rng, 0.2, D, 4 * D));
    p.put("out.bias", Tensor.randn(rng, 0.1, D));
    p.put("head.weight", Tensor.randn(rng, 0.2, V, D));
    return p;
  }

  private static Tensor tokens(long seed) {
    Rng rng = new Rng(seed);
    long[] ids = new long[B * T];
    for (int i = 0; i < ids.length; i++) ids[i] = (long) (rng.nextDouble() * V);
    return Tensor.ofLongs(ids, B, T);
  }

  /** Logits [B, T, V] of the block. */
  private static Tensor forward(Map<String, Tensor> p, Tensor ids) {
    Tensor h = F.embedding(p.get("embedding"), ids);
    Tensor a = F.layerNorm(h, p.get("ln1.weight"), p.get("ln1.bias"), 1e-5);
    Tensor qkv = F.linear(a, p.get("qkv.weight"), p.get("qkv.bias")).reshape(B, T, 3, H, D / H).permute(2, 0, 3, 1, 4);
    Tensor att = F.scaledDotProductAttention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2), null, true);
    h = h.add(F.linear(att.permute(0, 2, 1, 3).reshape(B, T, D), p.get("proj.weight"), p.get("proj.bias")));
    Tensor m = F.layerNorm(h, p.get("ln2.weight"), p.get("ln2.bias"), 1e-5);
    h = h.add(F.linear(F.linear(m, p.get("fc.weight"), p.get("fc.bias")).gelu(), p.get("out.weight"), p.get("out.bias")));
    return F.linear(h, p.get("head.weight"), null);
  }

  /** Mean negative log-likelihood through log-softmax and gather (no fused loss). */
  private static Tensor nll(Tensor logits, Tensor targets) {
    return F.gather(F.logSoftmax(logits, -1), 2, targets.unsqueeze(-1)).neg().mean();
  }

  private record Run(Tensor loss, Tensor logits, Map<String, Tensor> grads) {}

  private static Run run(Map<String, Tensor> cpuParams, Device device, DType dtype, Tensor ids, Tensor targets,
      java.util.function.BiFunction<Tensor, Tensor, Tensor> lossFn) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : cpuParams.entrySet()) p.put(e.getKey(), e.getValue().to(dtype).to(device).detach().requiresGrad(true));
    Tensor logits = forward(p, ids.to(device));
    Tensor loss = lossFn.apply(logits, targets.to(device));
    loss.backward();
    Map<String, Tensor> grads = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : p.entrySet()) grads.put(e.getKey(), e.getValue().grad());
    return new Run(loss.detach(), logits.detach(), grads);
  }

  private static void compare(String what, Run ref, Run got, double tol) {
    assertClose(what + " loss", ref.loss, got.loss, tol);
    assertClose(what + " logits", ref.logits, got.logits, tol);
    List<String> missing = new ArrayList<>();
    for (String name : ref.grads.keySet()) {
      if (got.grads.get(name) == null) missing.add(name);
      else assertClose(what + " grad " + name, ref.grads.get(name), got.grads.get(name), tol);
    }
    if (!missing.isEmpty()) throw new AssertionError(what + ": no gradient for " + missing);
  }

  @Test
  void transformerBlockForwardAndBackwardMatchTheCpu() {
    Backend gpu = Gpu.backend();
    try (Scope scope = Scope.open()) {
      Map<String, Tensor> params = parameters();
      Tensor ids = tokens(1);
      Tensor targets = tokens(2);
      Run ref = run(params, Device.CPU, DType.F32, ids, targets, CudaModelParityTest::nll);
      Gpu.setF32Gemm(gpu, GemmPrecision.FP32);
      compare("F32 (exact GEMM)", ref, run(params, Gpu.CUDA, DType.F32, ids, targets, CudaModelParityTest::nll), 1e-4);
      Gpu.setF32Gemm(gpu, GemmPrecision.TF32);
      compare("F32 (TF32 GEMM)", ref, run(params, Gpu.CUDA, DType.F32, ids, targets, CudaModelParityTest::nll), 2e-2);
      if (Gpu.COMPUTE.contains(DType.BF16)) {
        // BF16 end to end: the forward pass only, against the F32 CPU run
        Run bf = run(params, Gpu.CUDA, DType.BF16, ids, targets, CudaModelParityTest::nll);
        assertClose("BF16 loss", ref.loss, bf.loss, 5e-2);
        assertClose("BF16 logits", ref.logits, bf.logits, 5e-2);
      }
    } finally {
      Gpu.setF32Gemm(gpu, GemmPrecision.TF32);
    }
  }

  /**
   * The fused losses through autograd: cross-entropy with label smoothing plus a soft-target KL
   * term against a fixed teacher. Needs the loss layer to count rows in a dtype CUDA computes.
   */
  @Test
  void fusedLossesThroughAutograd() {
    Backend gpu = Gpu.backend();
    try (Scope scope = Scope.open()) {
      Map<String, Tensor> params = parameters();
      Tensor ids = tokens(3);
      Tensor targets = tokens(4);
      Tensor teacher = Tensor.randn(new Rng(5), 2.0, B, T, V);
      java.util.function.BiFunction<Tensor, Tensor, Tensor> loss = (logits, t) -> F.crossEntropy(logits, t, -100, 0.1, jdistill.engine.ops.Reduction.MEAN)
          .add(F.klDiv(logits, teacher.to(logits.device()).to(logits.dtype()), 2.0, null).mul(0.5));
      Run ref = run(params, Device.CPU, DType.F32, ids, targets, loss);
      Gpu.setF32Gemm(gpu, GemmPrecision.FP32);
      compare("fused losses", ref, run(params, Gpu.CUDA, DType.F32, ids, targets, loss), 1e-4);
    } finally {
      Gpu.setF32Gemm(gpu, GemmPrecision.TF32);
    }
  }
}
