package jdistill.engine.cuda;

import static jdistill.engine.cuda.Gpu.CPU;
import static jdistill.engine.cuda.Gpu.assertClose;
import static jdistill.engine.cuda.Gpu.assertExact;
import static jdistill.engine.cuda.Gpu.cpuEmpty;
import static jdistill.engine.cuda.Gpu.f32;
import static jdistill.engine.cuda.Gpu.f64;
import static jdistill.engine.cuda.Gpu.gpu;
import static jdistill.engine.cuda.Gpu.ids;
import static jdistill.engine.cuda.Gpu.poisoned;
import static jdistill.engine.cuda.Gpu.randn;
import static jdistill.engine.cuda.Gpu.rtol;
import static jdistill.engine.cuda.Gpu.uniform;

import java.util.Arrays;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backend.AdamWHyper;
import jdistill.engine.backend.SoftTargetLoss;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Fused neural-network ops, index ops, losses and AdamW on CUDA against the CPU backend. */
@Tag("gpu")
class CudaNnParityTest {

  /** F32 values that are sums over ~50k terms (a GPT-2 vocabulary) in fp32. */
  private static final double LONG_ROW_RTOL = 5e-5;
  /** F32 per-row statistics computed from BF16 inputs. */
  private static final double STATS_RTOL = 1e-4;

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

  @Test
  void softmaxAndLogSoftmaxForwardAndBackward() {
    int[][] shapes = {{10, 100}, {3, 5000}, {2, 50257}, {5, 1}, {1, 1025}, {4, 7, 33}, {2, 1024}};
    for (DType d : Gpu.COMPUTE) {
      for (int[] shape : shapes) {
        for (boolean log : new boolean[] {false, true}) {
          String what = (log ? "logSoftmax " : "softmax ") + d + " " + Arrays.toString(shape);
          Tensor x = randn(shape[shape.length - 1], d, shape).mul(3);
          Tensor y = poisoned(d, shape);
          gpu.softmax(gpu(x), log, y);
          Tensor ref = cpuEmpty(DType.F64, shape);
          CPU.softmax(f64(x), log, ref);
          assertClose(what, ref, y, rtol(d));
          Tensor yIn = ref.to(d);
          Tensor dy = randn(17, d, shape);
          Tensor dx = poisoned(d, shape);
          gpu.softmaxBackward(gpu(yIn), gpu(dy), log, dx);
          Tensor dxRef = cpuEmpty(DType.F64, shape);
          CPU.softmaxBackward(f64(yIn), f64(dy), log, dxRef);
          assertClose(what + " backward", dxRef, dx, rtol(d));
        }
      }
    }
  }

  @Test
  void layerNormForwardAndBackward() {
    int[][] shapes = {{37, 64}, {5, 3000}, {1, 1}, {100, 768}, {3, 4, 1025}, {9, 31}};
    for (DType d : Gpu.COMPUTE) {
      for (int[] shape : shapes) {
        int n = shape[shape.length - 1];
        int rows = (int) (Tensor.zeros(shape).numel() / n);
        String what = "layerNorm " + d + " " + Arrays.toString(shape);
        Tensor x = randn(n, d, shape).mul(2).add(0.5);
        Tensor w = randn(n + 1, d, n);
        Tensor b = randn(n + 2, d, n);
        Tensor out = poisoned(d, shape);
        Tensor mean = poisoned(DType.F32, rows);
        Tensor rstd = poisoned(DType.F32, rows);
        gpu.layerNorm(gpu(x), gpu(w), gpu(b), 1e-5, out, mean, rstd);
        Tensor outRef = cpuEmpty(DType.F32, shape);
        Tensor meanRef = cpuEmpty(DType.F32, rows);
        Tensor rstdRef = cpuEmpty(DType.F32, rows);
        CPU.layerNorm(f32(x), f32(w), f32(b), 1e-5, outRef, meanRef, rstdRef);
        assertClose(what, outRef, out, rtol(d));
        assertClose(what + " mean", meanRef, mean, d == DType.BF16 ? STATS_RTOL : Gpu.F32_RTOL);
        assertClose(what + " rstd", rstdRef, rstd, d == DType.BF16 ? STATS_RTOL : Gpu.F32_RTOL);

        Tensor dy = randn(n + 3, d, shape);
        Tensor dw0 = randn(n + 4, d, n);
        Tensor db0 = randn(n + 5, d, n);
        Tensor dx = poisoned(d, shape);
        Tensor dw = gpu(dw0);
        Tensor db = gpu(db0);
        gpu.layerNormBackward(gpu(dy), gpu(x), gpu(w), gpu(meanRef), gpu(rstdRef), dx, dw, db);
        Tensor dxRef = cpuEmpty(DType.F32, shape);
        Tensor dwRef = f32(dw0).copy();
        Tensor dbRef = f32(db0).copy();
        CPU.layerNormBackward(f32(dy), f32(x), f32(w), meanRef, rstdRef, dxRef, dwRef, dbRef);
        assertClose(what + " dx", dxRef, dx, rtol(d));
        assertClose(what + " dweight", dwRef, dw, rtol(d));
        assertClose(what + " dbias", dbRef, db, rtol(d));
      }
    }
  }

  @Test
  void embeddingSelectAndAdd() {
    for (DType d : Gpu.COMPUTE) {
      for (DType idType : List.of(DType.I64, DType.I32)) {
        for (int[] vdn : new int[][] {{1000, 48, 5000}, {50, 13, 21}, {7, 1, 1}, {100, 24, 70000}}) {
          int vocab = vdn[0];
          int dim = vdn[1];
          int n = vdn[2];
          String what = d + " " + idType + " vocab " + vocab + " dim " + dim + " ids " + n;
          Tensor table = randn(vocab, d, vocab, dim);
          Tensor idx = ids(n, idType, vocab, n);
          Tensor out = poisoned(d, n, dim);
          gpu.indexSelect(gpu(table), gpu(idx), out);
          Tensor ref = cpuEmpty(DType.F32, n, dim);
          CPU.indexSelect(f32(table), idx, ref);
          assertExact("indexSelect " + what, ref, out);

          Tensor src = randn(n + 1, d, n, dim);
          Tensor acc = gpu(table);
          gpu.indexAdd(acc, gpu(idx), gpu(src));
          Tensor accRef = f32(table).copy();
          CPU.indexAdd(accRef, idx, f32(src));
          assertClose("indexAdd " + what, accRef, acc, rtol(d));
          // deterministic: the same inputs give the same bits
          Tensor again = gpu(table);
          gpu.indexAdd(again, gpu(idx), gpu(src));
          assertExact("indexAdd repeatable " + what, acc.to(DType.F32), again.to(DType.F32));
        }
      }
    }
  }

  @Test
  void outOfRangeIdsSurfaceAtTheNextSynchronisation() {
    CudaBackend gpu = Gpu.cuda();
    Tensor table = gpu(randn(1, DType.F32, 10, 4));
    Tensor bad = gpu(Tensor.ofLongs(new long[] {1, 10, 2}, 3));
    Tensor out = poisoned(DType.F32, 3, 4);
    gpu.indexSelect(table, bad, out);
    IndexOutOfBoundsException e = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, gpu::synchronize);
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("index_select_f32"), e.getMessage());
    gpu.synchronize(); // the flag was cleared
  }

  @Test
  void gatherAndScatterAdd() {
    for (DType d : Gpu.COMPUTE) {
      // [4,50,3] along dim 1 with a full-width index, and one narrower in the inner dim
      Tensor x = randn(1, d, 4, 50, 3);
      for (int[] is : new int[][] {{4, 7, 3}, {4, 7, 2}, {2, 50, 3}}) {
        Tensor index = ids(is[1] * 10L + is[2], DType.I64, 50, is);
        Tensor out = poisoned(d, is);
        gpu.gather(gpu(x), 1, gpu(index), out);
        Tensor ref = cpuEmpty(DType.F32, is);
        CPU.gather(f32(x), 1, index, ref);
        assertExact("gather " + d + " index " + Arrays.toString(is), ref, out);

        Tensor src = randn(5, d, is);
        Tensor dst = gpu(x);
        gpu.scatterAdd(dst, 1, gpu(index), gpu(src));
        Tensor dstRef = f32(x).copy();
        CPU.scatterAdd(dstRef, 1, index, f32(src));
        assertClose("scatterAdd " + d + " index " + Arrays.toString(is), dstRef, dst, rtol(d));
      }
      // top-k style: a few positions of long rows, I32 indices, along the last dim
      Tensor logits = randn(2, d, 6, 1000);
      Tensor top = ids(3, DType.I32, 1000, 6, 5);
      Tensor picked = poisoned(d, 6, 5);
      gpu.gather(gpu(logits), 1, gpu(top), picked);
      Tensor pickedRef = cpuEmpty(DType.F32, 6, 5);
      CPU.gather(f32(logits), 1, top, pickedRef);
      assertExact("gather top-k " + d, pickedRef, picked);
    }
  }

  @Test
  void dropoutMasksMatchTheCpuBitForBit() {
    for (DType d : Gpu.COMPUTE) {
      for (double p : new double[] {0.1, 0.5}) {
        Tensor mask = poisoned(d, 100003);
        gpu.dropoutMask(0x5eedL, (1L << 33) + 7, p, mask);
        Tensor ref = cpuEmpty(d, 100003);
        CPU.dropoutMask(0x5eedL, (1L << 33) + 7, p, ref);
        assertExact("dropout " + d + " p " + p, ref, mask);
      }
    }
  }

  @Test
  void crossEntropyWithIgnoredRowsAndSmoothing() {
    for (DType d : Gpu.COMPUTE) {
      for (int[] rv : new int[][] {{6, 1000}, {3, 50257}, {5, 1}, {130, 77}}) {
        int rows = rv[0];
        int v = rv[1];
        Tensor logits = randn(v, d, rows, v).mul(2);
        long[] t = ids(rows, DType.I64, v, rows).toLongArray();
        t[0] = -100; // ignored
        Tensor targets = Tensor.ofLongs(t, rows);
        for (double smoothing : new double[] {0, 0.1}) {
          for (boolean withGrad : new boolean[] {true, false}) {
            String what = "crossEntropy " + d + " " + rows + "x" + v + " smoothing " + smoothing + (withGrad ? " +grad" : "");
            Tensor loss = poisoned(d, rows);
            Tensor grad = withGrad ? poisoned(d, rows, v) : null;
            gpu.crossEntropy(gpu(logits), gpu(targets), -100, smoothing, loss, grad);
            Tensor lossRef = cpuEmpty(DType.F64, rows);
            Tensor gradRef = withGrad ? cpuEmpty(DType.F64, rows, v) : null;
            CPU.crossEntropy(f64(logits), targets, -100, smoothing, lossRef, gradRef);
            double tol = d == DType.BF16 ? Gpu.BF16_RTOL : v > 10000 ? LONG_ROW_RTOL : Gpu.F32_RTOL;
            // a one-class row's loss is 0 up to the rounding of its logit
            assertClose(what + " loss", lossRef, loss, tol, logits.abs().mean().item());
            if (withGrad) assertClose(what + " grad", gradRef, grad, tol);
          }
        }
      }
    }
  }

  @Test
  void softTargetLossesEveryDtypePairWithAndWithoutMask() {
    DType[][] pairs = {{DType.F32, DType.F32}, {DType.BF16, DType.BF16}, {DType.F32, DType.BF16}, {DType.BF16, DType.F32}};
    for (DType[] pair : pairs) {
      for (int[] rv : new int[][] {{6, 1000}, {3, 50257}, {33, 7}}) {
        int rows = rv[0];
        int v = rv[1];
        Tensor s = randn(v, pair[0], rows, v).mul(2);
        Tensor te = randn(v + 1, pair[1], rows, v).mul(2);
        long[] m = new long[rows];
        for (int i = 0; i < rows; i++) m[i] = i % 3 == 1 ? 0 : 1;
        for (SoftTargetLoss kind : SoftTargetLoss.values()) {
          for (double temperature : new double[] {1, 2.5}) {
            for (Tensor mask : Arrays.asList(null, Tensor.ofLongs(m, rows), Tensor.ofLongs(m, rows).to(DType.F32))) {
              String what = kind + " " + Arrays.toString(pair) + " " + rows + "x" + v + " T " + temperature + (mask == null ? "" : " mask " + mask.dtype());
              Tensor loss = poisoned(pair[0], rows);
              Tensor grad = poisoned(pair[0], rows, v);
              gpu.softTargetLoss(kind, gpu(s), gpu(te), temperature, mask == null ? null : gpu(mask), loss, grad);
              Tensor lossRef = cpuEmpty(DType.F64, rows);
              Tensor gradRef = cpuEmpty(DType.F64, rows, v);
              CPU.softTargetLoss(kind, f64(s), f64(te), temperature, mask, lossRef, gradRef);
              boolean bf = pair[0] == DType.BF16 || pair[1] == DType.BF16;
              double tol = pair[0] == DType.BF16 ? Gpu.BF16_RTOL : bf || v > 10000 ? LONG_ROW_RTOL : Gpu.F32_RTOL;
              assertClose(what + " loss", lossRef, loss, tol);
              assertClose(what + " grad", gradRef, grad, tol);
            }
          }
        }
      }
    }
  }

  @Test
  void adamwPlainAndWithMasterWeights() {
    AdamWHyper[] steps = new AdamWHyper[3];
    for (int i = 0; i < 3; i++) steps[i] = new AdamWHyper(1e-2, 0.9, 0.999, 1e-8, 0.1, i + 1, i == 2 ? 0.5 : 1.0);
    int n = 10007;
    // F32 parameters, F32 moments
    Tensor p = randn(1, DType.F32, n);
    Tensor m = randn(2, DType.F32, n).mul(0.1);
    Tensor v = uniform(3, DType.F32, 0, 0.1, n);
    Tensor pg = gpu(p);
    Tensor mg = gpu(m);
    Tensor vg = gpu(v);
    Tensor pc = p.copy();
    Tensor mc = m.copy();
    Tensor vc = v.copy();
    for (int i = 0; i < 3; i++) {
      Tensor g = randn(10 + i, DType.F32, n);
      gpu.adamw(pg, gpu(g), mg, vg, null, steps[i]);
      CPU.adamw(pc, g, mc, vc, null, steps[i]);
    }
    assertClose("adamw F32 param", pc, pg, Gpu.F32_RTOL);
    assertClose("adamw F32 m", mc, mg, Gpu.F32_RTOL);
    assertClose("adamw F32 v", vc, vg, Gpu.F32_RTOL);

    // BF16 parameters with an F32 master copy, BF16 gradients; moments F32 or BF16
    for (DType state : Gpu.COMPUTE) {
      Tensor master = randn(4, DType.F32, n);
      Tensor param = master.to(DType.BF16);
      Tensor m2 = Tensor.zeros(n).to(state);
      Tensor v2 = Tensor.zeros(n).to(state);
      Tensor masterG = gpu(master);
      Tensor paramG = gpu(param);
      Tensor m2g = gpu(m2);
      Tensor v2g = gpu(v2);
      Tensor masterC = master.copy();
      Tensor paramC = param.copy();
      Tensor m2c = m2.copy();
      Tensor v2c = v2.copy();
      for (int i = 0; i < 3; i++) {
        Tensor g = randn(20 + i, DType.BF16, n);
        gpu.adamw(paramG, gpu(g), m2g, v2g, masterG, steps[i]);
        CPU.adamw(paramC, g, m2c, v2c, masterC, steps[i]);
      }
      assertClose("adamw master (state " + state + ")", masterC, masterG, state == DType.BF16 ? Gpu.BF16_RTOL : Gpu.F32_RTOL);
      assertClose("adamw BF16 param (state " + state + ")", paramC, paramG, Gpu.BF16_RTOL);
      assertClose("adamw m (state " + state + ")", m2c, m2g, rtol(state));
      assertClose("adamw v (state " + state + ")", v2c, v2g, rtol(state));
    }
  }
}
