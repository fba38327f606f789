package jdistill.engine.cuda;

import static jdistill.engine.cuda.Gpu.CPU;
import static jdistill.engine.cuda.Gpu.assertClose;
import static jdistill.engine.cuda.Gpu.cpuEmpty;
import static jdistill.engine.cuda.Gpu.f32;
import static jdistill.engine.cuda.Gpu.gpu;
import static jdistill.engine.cuda.Gpu.poisoned;
import static jdistill.engine.cuda.Gpu.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.ops.Attention;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fused attention (forward, backward, through {@link Attention#fused}) and the squared norm on
 * CUDA against the CPU backend: F32 on the generic kernels, BF16 on the tensor-core kernels (head
 * dims 64 and 128) and the generic BF16 kernels (an odd head dim), every causal alignment, key
 * padding, ragged tiles. Skipped without a GPU (see {@link Gpu} for the dry run).
 */
@Tag("gpu")
class CudaAttentionParityTest {

  /** F32: the same sums in another order, exp in fp32. */
  private static final double F32_RTOL = 1e-4;
  /** BF16: P and dS rounded to bf16 on the tensor cores (as FlashAttention-2), outputs rounded. */
  private static final double BF16_RTOL = 3e-2;
  /**
   * BF16 gradients: a causal key seen by many queries sums P·dO terms of magnitude ~1 into a small
   * result, so the bf16 rounding of P (2^-9 relative) shows at a few percent of the tensor's scale
   * on the worst element (median error 1e-3, 99th percentile 5e-3 of that scale).
   */
  private static final double BF16_GRAD_RTOL = 5e-2;

  private Backend gpu;
  private Scope scope;

  @BeforeEach
  void setUp() {
    gpu = Gpu.backend();
    scope = Scope.open();
  }

  @AfterEach
  void tearDown() {
    if (scope != null) scope.close();
  }

  private static double rtol(DType d) {
    return d == DType.BF16 ? BF16_RTOL : F32_RTOL;
  }

  /** [B, Sk] F32 mask keeping about 70% of the keys and always the last one. */
  private static Tensor mask(long seed, int b, int sk) {
    Rng rng = new Rng(seed);
    double[] m = new double[b * sk];
    for (int i = 0; i < m.length; i++) m[i] = i % sk == sk - 1 || rng.nextDouble() < 0.7 ? 1 : 0;
    return Tensor.of(m, b, sk).to(DType.F32);
  }

  @Test
  void forwardAndBackwardAgainstTheCpu() {
    int[][] lengths = {{77, 77}, {1, 100}, {50, 130}, {90, 40}, {64, 64}};
    for (DType d : Gpu.COMPUTE) {
      for (int dim : new int[] {64, 128, 33}) {
        for (int[] len : lengths) {
          for (boolean causal : new boolean[] {false, true}) {
            boolean padded = len[0] % 2 == 1;
            check(d, 2, 3, len[0], len[1], dim, causal, padded);
          }
        }
      }
    }
  }

  private void check(DType d, int b, int h, int sq, int sk, int dim, boolean causal, boolean padded) {
    String what = d + " B" + b + " H" + h + " Sq" + sq + " Sk" + sk + " D" + dim + (causal ? " causal" : "") + (padded ? " padded" : "");
    long seed = 31L * sq + sk + dim;
    Tensor q = randn(seed, d, b, h, sq, dim);
    Tensor k = randn(seed + 1, d, b, h, sk, dim);
    Tensor v = randn(seed + 2, d, b, h, sk, dim);
    Tensor dOut = randn(seed + 3, d, b, h, sq, dim);
    Tensor m = padded ? mask(seed + 4, b, sk) : null;
    double scale = 1 / Math.sqrt(dim);

    Tensor out = poisoned(d, b, h, sq, dim);
    Tensor lse = poisoned(DType.F32, b, h, sq);
    gpu.attentionForward(gpu(q), gpu(k), gpu(v), m == null ? null : gpu(m), causal, scale, out, lse);
    Tensor refOut = cpuEmpty(DType.F32, b, h, sq, dim);
    Tensor refLse = cpuEmpty(DType.F32, b, h, sq);
    CPU.attentionForward(f32(q), f32(k), f32(v), m, causal, scale, refOut, refLse);
    assertClose(what + " output", refOut, out, rtol(d));
    assertClose(what + " logsumexp", refLse, lse, rtol(d));

    // the backward from the device's own forward results (its O rounded to d), as training runs it
    Tensor dq = poisoned(d, b, h, sq, dim);
    Tensor dk = poisoned(d, b, h, sk, dim);
    Tensor dv = poisoned(d, b, h, sk, dim);
    gpu.attentionBackward(gpu(q), gpu(k), gpu(v), m == null ? null : gpu(m), causal, scale, out, lse, gpu(dOut), dq, dk, dv);
    Tensor refDq = cpuEmpty(DType.F32, b, h, sq, dim);
    Tensor refDk = cpuEmpty(DType.F32, b, h, sk, dim);
    Tensor refDv = cpuEmpty(DType.F32, b, h, sk, dim);
    CPU.attentionBackward(f32(q), f32(k), f32(v), m, causal, scale, out.to(jdistill.engine.Device.CPU).to(DType.F32),
        lse.to(jdistill.engine.Device.CPU), f32(dOut), refDq, refDk, refDv);
    double gradTol = d == DType.BF16 ? BF16_GRAD_RTOL : F32_RTOL;
    assertClose(what + " dq", refDq, dq, gradTol);
    assertClose(what + " dk", refDk, dk, gradTol);
    assertClose(what + " dv", refDv, dv, gradTol);
  }

  @Test
  void fusedOpWithAutogradOnTheDevice() {
    for (DType d : Gpu.COMPUTE) {
      int b = 2;
      int h = 4;
      int s = 37;
      int dim = 64;
      // heads split from [B, S, H, D] projections: strided views the kernels read in place
      Tensor q = randn(1, d, b, s, h, dim);
      Tensor k = randn(2, d, b, s, h, dim);
      Tensor v = randn(3, d, b, s, h, dim);
      Tensor w = randn(4, d, b, h, s, dim);
      Tensor m = mask(5, b, s);
      Tensor[] dev = {gpu(q).requiresGrad(true), gpu(k).requiresGrad(true), gpu(v).requiresGrad(true)};
      Tensor out = Attention.fused(heads(dev[0]), heads(dev[1]), heads(dev[2]), gpu(m), true, 0.125);
      out.mul(gpu(w)).sum().backward();
      Tensor[] ref = {f32(q).requiresGrad(true), f32(k).requiresGrad(true), f32(v).requiresGrad(true)};
      Tensor refOut = Attention.fused(heads(ref[0]), heads(ref[1]), heads(ref[2]), m, true, 0.125);
      refOut.mul(f32(w)).sum().backward();
      assertEquals(d, out.dtype());
      assertClose(d + " fused output", refOut, out, rtol(d));
      String[] names = {"dq", "dk", "dv"};
      for (int i = 0; i < 3; i++) assertClose(d + " fused " + names[i], ref[i].grad(), dev[i].grad(), d == DType.BF16 ? BF16_GRAD_RTOL : F32_RTOL);
    }
  }

  private static Tensor heads(Tensor bshd) {
    return bshd.permute(0, 2, 1, 3);
  }

  @Test
  void sumOfSquaresAgainstTheCpu() {
    for (DType d : Gpu.COMPUTE) {
      for (int n : new int[] {1, 1000, 2049, 3_000_001}) {
        Tensor x = randn(n, d, n);
        double expected = CPU.sumOfSquares(f32(x));
        double got = gpu.sumOfSquares(gpu(x));
        assertEquals(expected, got, 2e-6 * expected, d + " n=" + n);
        assertEquals(got, gpu.sumOfSquares(gpu(x)), 0.0, d + " n=" + n + ": same bits on a second run");
      }
      Tensor m = randn(7, d, 40, 30);
      assertEquals(CPU.sumOfSquares(f32(m).mT()), gpu.sumOfSquares(gpu(m).mT()), 1e-5 * CPU.sumOfSquares(f32(m)), d + " strided view");
    }
  }
}
