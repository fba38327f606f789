package jdistill.engine.cuda;

import static jdistill.engine.cuda.Gpu.CPU;
import static jdistill.engine.cuda.Gpu.assertClose;
import static jdistill.engine.cuda.Gpu.assertExact;
import static jdistill.engine.cuda.Gpu.cpuEmpty;
import static jdistill.engine.cuda.Gpu.f32;
import static jdistill.engine.cuda.Gpu.gpu;
import static jdistill.engine.cuda.Gpu.poisoned;
import static jdistill.engine.cuda.Gpu.randn;
import static jdistill.engine.cuda.Gpu.rtol;

import java.util.Arrays;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.MatrixLayout;
import jdistill.engine.backend.ReduceOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reductions and matrix products on CUDA against the CPU backend. GEMM tolerances: BF16 1e-2 and
 * F32 on TF32 tensor cores 1e-2 (inputs keep 10 mantissa bits), F32 on the exact SIMT kernel 1e-5.
 */
@Tag("gpu")
class CudaReduceMatmulParityTest {

  private Backend gpu;
  private Scope scope;

  @BeforeEach
  void setUp() {
    gpu = Gpu.backend();
    Gpu.setF32Gemm(gpu, GemmPrecision.TF32);
    scope = Scope.open();
  }

  @AfterEach
  void tearDown() {
    if (scope != null) scope.close();
    if (gpu != null) Gpu.setF32Gemm(gpu, GemmPrecision.TF32);
  }

  @Test
  void reduceEveryOpAlongRowsColumnsAndSplitDims() {
    int[][] shapes = {{7}, {7, 5000}, {3, 100000}, {4, 300, 10}, {2, 65536, 40}, {1000, 3}, {5, 1, 9}};
    for (DType d : Gpu.COMPUTE) {
      for (int[] shape : shapes) {
        Tensor x = randn(shape.length * 31L + shape[0], d, shape);
        Tensor xg = gpu(x);
        Tensor xf = f32(x);
        for (int dim = 0; dim < shape.length; dim++) {
          int[] os = shape.clone();
          os[dim] = 1;
          for (ReduceOp op : ReduceOp.values()) {
            boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
            DType od = arg ? DType.I64 : d;
            Tensor out = poisoned(od, os);
            gpu.reduce(op, xg, dim, out);
            Tensor ref = cpuEmpty(arg ? DType.I64 : DType.F32, os);
            CPU.reduce(op, xf, dim, ref);
            String what = "reduce " + op + " " + d + " " + Arrays.toString(shape) + " dim " + dim;
            if (arg) assertExact(what, ref, out);
            else assertClose(what, ref, out, op == ReduceOp.SUM ? rtol(d) : 0);
          }
        }
      }
    }
  }

  /** out (+)= a @ b on both backends; {@code a}, {@code b} are CPU tensors or views of them, viewed alike on the GPU by {@code view}. */
  private void checkMatmul(String what, Tensor a, Tensor b, java.util.function.UnaryOperator<Tensor> viewA,
      java.util.function.UnaryOperator<Tensor> viewB, boolean accumulate, double tol) {
    Tensor av = viewA.apply(a);
    Tensor bv = viewB.apply(b);
    int r = av.rank();
    int[] outShape = av.shape();
    outShape[r - 1] = bv.shape(r - 1);
    DType d = a.dtype();
    Tensor init = randn(77, d, outShape);
    Tensor out = accumulate ? gpu(init) : poisoned(d, outShape);
    gpu.matmul(viewA.apply(gpu(a)), viewB.apply(gpu(b)), out, accumulate);
    Tensor ref = accumulate ? f32(init).copy() : cpuEmpty(DType.F32, outShape);
    // the CPU takes row-major or transposed operands only (the op layer copies others first)
    Tensor ca = viewA.apply(f32(a));
    Tensor cb = viewB.apply(f32(b));
    if (MatrixLayout.of(ca) == null) ca = ca.contiguous();
    if (MatrixLayout.of(cb) == null) cb = cb.contiguous();
    CPU.matmul(ca, cb, ref, accumulate);
    assertClose(what, ref, out, tol);
  }

  @Test
  void matmulLayoutsOddSizesAndPrecisions() {
    int[][] mnk = {{1, 1, 1}, {5, 3, 7}, {129, 257, 65}, {3, 1000, 17}, {200, 64, 300}, {1, 513, 1024}};
    record Mode(DType dtype, GemmPrecision f32, double tol) {}
    List<Mode> modes = List.of(new Mode(DType.F32, GemmPrecision.TF32, Gpu.TF32_RTOL), new Mode(DType.F32, GemmPrecision.FP32, Gpu.F32_RTOL),
        new Mode(DType.BF16, GemmPrecision.TF32, Gpu.BF16_RTOL));
    for (Mode mode : modes) {
      if (!Gpu.COMPUTE.contains(mode.dtype)) continue;
      Gpu.setF32Gemm(gpu, mode.f32);
      for (int[] s : mnk) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            Tensor a = ta ? randn(m * 3L + k, mode.dtype, k, m) : randn(m * 3L + k, mode.dtype, m, k);
            Tensor b = tb ? randn(n * 5L + k, mode.dtype, n, k) : randn(n * 5L + k, mode.dtype, k, n);
            String what = "matmul " + mode + " " + m + "x" + n + "x" + k + (ta ? " A^T" : "") + (tb ? " B^T" : "");
            checkMatmul(what, a, b, ta ? Tensor::mT : t -> t, tb ? Tensor::mT : t -> t, false, mode.tol);
          }
        }
        Tensor a = randn(11, mode.dtype, m, k);
        Tensor b = randn(12, mode.dtype, k, n);
        checkMatmul("matmul accumulate " + mode + " " + Arrays.toString(s), a, b, t -> t, t -> t, true, mode.tol);
      }
    }
  }

  @Test
  void matmulBatchedBroadcastPermutedAndGeneralStrides() {
    for (DType d : Gpu.COMPUTE) {
      double tol = d == DType.BF16 ? Gpu.BF16_RTOL : Gpu.TF32_RTOL;
      // [2,3,33,65] @ [65,47] broadcast over the batch
      Tensor a = randn(1, d, 2, 3, 33, 65);
      Tensor w = randn(2, d, 65, 47);
      checkMatmul("batched broadcast " + d, a, w, t -> t, t -> t.expand(2, 3, 65, 47), false, tol);
      // attention scores from a [B, T, H, D] buffer: q [B,H,T,D] @ k^T [B,H,D,T]
      Tensor qkv = randn(3, d, 2, 19, 4, 24);
      checkMatmul("attention scores " + d, qkv, qkv, t -> t.permute(0, 2, 1, 3), t -> t.permute(0, 2, 3, 1), false, tol);
      // a linear layer: [B, T, K] activations @ W^T, W [N, K] shared by the batch
      Tensor x = randn(8, d, 2, 10, 64);
      Tensor lw = randn(9, d, 64, 64);
      checkMatmul("linear x @ W^T " + d, x, lw, t -> t, t -> t.mT().expand(2, 64, 64), false, tol);
      // three batch levels that do not merge (the host loops over the outermost)
      Tensor big = randn(4, d, 3, 2, 5, 9, 8);
      Tensor rhs = randn(5, d, 3, 2, 5, 8, 6);
      checkMatmul("three batch levels " + d, big, rhs, t -> t.narrow(2, 1, 3), t -> t.narrow(2, 0, 3), false, tol);
      // an operand that is neither row-major nor transposed runs on the SIMT kernel (the CPU
      // backend takes no such operand, so a dry run skips it)
      if (Gpu.DRY_RUN) continue;
      Tensor wide = randn(6, d, 40, 90);
      checkMatmul("strided operand " + d, wide, randn(7, d, 45, 30), CudaReduceMatmulParityTest::everyOtherColumn, t -> t, false, tol);
    }
  }

  /** Columns 0, 2, 4, ... of a [rows, cols] tensor: stride 2 along the last dim. */
  private static Tensor everyOtherColumn(Tensor t) {
    return new Tensor(t.storage(), new int[] {t.shape(0), t.shape(1) / 2}, new int[] {t.stride(0), 2 * t.stride(1)}, t.offset());
  }

  @Test
  void matmulWithEmptyInnerDimensionWritesZeros() {
    Tensor a = Tensor.empty(DType.F32, Gpu.CUDA, 4, 0);
    Tensor b = Tensor.empty(DType.F32, Gpu.CUDA, 0, 3);
    Tensor out = poisoned(DType.F32, 4, 3);
    gpu.matmul(a, b, out, false);
    assertExact("k = 0", Tensor.zeros(4, 3), out);
  }
}
