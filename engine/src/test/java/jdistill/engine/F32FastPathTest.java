package jdistill.engine;

import static jdistill.engine.TestSupport.assertClose;
import static jdistill.engine.TestSupport.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.engine.TestSupport.Gen;
import jdistill.engine.TestSupport.Layout;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.cpu.CpuBackend;
import jdistill.engine.backend.UnaryOp;
import jdistill.engine.ops.Reduction;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's F32 kernels (Vector API loops, their scalar tails and the strided fallbacks)
 * against its F64 generic path on the same F32-representable data. Row lengths are chosen so that
 * vector bodies, tails and parallel chunks are all exercised.
 */
class F32FastPathTest {

  private static final Layout[] LAYOUTS = {Layout.CONTIGUOUS, Layout.NARROWED, Layout.TRANSPOSED};

  /** F64 data rounded to F32 values, so both paths see identical inputs. */
  private static Gen f32Exact(double lo, double hi) {
    return (r, s) -> TestSupport.uniform(r, lo, hi, s).to(DType.F32).to(DType.F64);
  }

  private static Tensor run(UnaryOp op, Tensor x) {
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().unary(op, x, out);
    return out;
  }

  private static Tensor run(BinaryOp op, Tensor a, Tensor b) {
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    Tensor out = Tensor.empty(a.dtype(), a.device(), shape);
    a.backend().binary(op, a.expand(shape), b.expand(shape), out);
    return out;
  }

  @Test
  void unaryOps() {
    Rng rng = new Rng(1);
    for (UnaryOp op : UnaryOp.values()) {
      boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.RECIPROCAL;
      Gen gen = positive ? f32Exact(0.05, 6) : f32Exact(-6, 6);
      for (Layout layout : LAYOUTS) {
        Tensor x64 = leaf(layout, gen, rng, 45, 67);
        Tensor x32 = x64.to(DType.F32);
        if (layout != Layout.CONTIGUOUS) x32 = leaf32(layout, x64);
        assertClose(run(op, x64), run(op, x32).to(DType.F64), 2e-6, 2e-6, op + " " + layout);
      }
      Tensor zeros = Tensor.zeros(DType.F32, Device.CPU, 9);
      Tensor zeros64 = Tensor.zeros(DType.F64, Device.CPU, 9);
      if (!positive) assertClose(run(op, zeros64), run(op, zeros).to(DType.F64), 0, 0, op + " at 0");
    }
  }

  /** The same values as {@code x64} in an F32 view of the same layout (so the F32 kernel sees strides). */
  private static Tensor leaf32(Layout layout, Tensor x64) {
    return switch (layout) {
      case CONTIGUOUS -> x64.to(DType.F32);
      case TRANSPOSED -> x64.mT().contiguous().to(DType.F32).mT();
      case NARROWED -> {
        int[] s = x64.shape();
        Tensor big = Tensor.zeros(DType.F32, Device.CPU, s[0] + 2, s[1] + 3);
        Tensor window = big.narrow(0, 1, s[0]).narrow(1, 2, s[1]);
        big.backend().copy(x64.to(DType.F32), window);
        yield window;
      }
      case PERMUTED -> x64.permute(1, 0).contiguous().to(DType.F32).permute(1, 0);
    };
  }

  @Test
  void binaryOpsWithBroadcastRows() {
    Rng rng = new Rng(2);
    int rows = 40;
    int n = 67;
    for (BinaryOp op : BinaryOp.values()) {
      Gen ga = op == BinaryOp.POW ? f32Exact(0.1, 3) : f32Exact(-3, 3);
      Gen gb = op == BinaryOp.DIV ? (r, s) -> TestSupport.awayFromZero(r, 0.2, s).to(DType.F32).to(DType.F64) : f32Exact(-3, 3);
      for (Layout layout : LAYOUTS) {
        Tensor a64 = leaf(layout, ga, rng, rows, n);
        Tensor a32 = leaf32(layout, a64);
        int[][] bShapes = {{rows, n}, {rows, 1}, {n}, {}, {1, n}};
        for (int[] bs : bShapes) {
          Tensor b64 = gb.make(rng, bs);
          // equal values in a few places so that EQ, GE and LE see ties
          if (bs.length == 2 && bs[0] == rows && bs[1] == n) b64 = F.where(everyThird(rows, n), a64, b64);
          Tensor b32 = b64.to(DType.F32);
          String label = op + " a " + layout + " b " + Shapes.str(bs);
          assertClose(run(op, a64, b64), run(op, a32, b32).to(DType.F64), 2e-6, 2e-6, label);
          assertClose(run(op, b64, a64), run(op, b32, a32).to(DType.F64), 2e-6, 2e-6, label + " swapped");
        }
      }
    }
  }

  private static Tensor everyThird(int rows, int n) {
    long[] m = new long[rows * n];
    for (int i = 0; i < m.length; i += 3) m[i] = 1;
    return Tensor.ofLongs(m, rows, n);
  }

  @Test
  void comparisonsAreExactIncludingTies() {
    float[] a = new float[100];
    float[] b = new float[100];
    for (int i = 0; i < 100; i++) {
      a[i] = (i % 7) - 3;
      b[i] = (i % 5) - 2;
    }
    Tensor ta = Tensor.of(a, 100);
    Tensor tb = Tensor.of(b, 100);
    for (BinaryOp op : new BinaryOp[] {BinaryOp.EQ, BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE, BinaryOp.MAX, BinaryOp.MIN}) {
      float[] got = run(op, ta, tb).toFloatArray();
      for (int i = 0; i < 100; i++) {
        float e = switch (op) {
          case EQ -> a[i] == b[i] ? 1 : 0;
          case GT -> a[i] > b[i] ? 1 : 0;
          case GE -> a[i] >= b[i] ? 1 : 0;
          case LT -> a[i] < b[i] ? 1 : 0;
          case LE -> a[i] <= b[i] ? 1 : 0;
          case MAX -> Math.max(a[i], b[i]);
          case MIN -> Math.min(a[i], b[i]);
          default -> throw new AssertionError();
        };
        if (e != got[i]) throw new AssertionError(op + " element " + i + ": " + a[i] + " vs " + b[i] + " gave " + got[i]);
      }
    }
  }

  @Test
  void scalarOperands() {
    Rng rng = new Rng(3);
    for (Layout layout : LAYOUTS) {
      Tensor x64 = leaf(layout, f32Exact(0.1, 3), rng, 30, 67);
      Tensor x32 = leaf32(layout, x64);
      for (BinaryOp op : BinaryOp.values()) {
        for (boolean first : new boolean[] {false, true}) {
          double s = 1.25;
          Tensor o64 = Tensor.empty(DType.F64, Device.CPU, x64.shape());
          Tensor o32 = Tensor.empty(DType.F32, Device.CPU, x32.shape());
          x64.backend().binaryScalar(op, x64, s, first, o64);
          x32.backend().binaryScalar(op, x32, s, first, o32);
          assertClose(o64, o32.to(DType.F64), 2e-6, 2e-6, "scalar " + op + " first=" + first + " " + layout);
        }
      }
      assertClose(x64.mul(2.5).add(-1).div(3), x32.mul(2.5).add(-1).div(3).to(DType.F64), 2e-6, 2e-6, "scalar chain " + layout);
    }
  }

  @Test
  void reductionsAlongEachDim() {
    Rng rng = new Rng(4);
    Tensor x64 = f32Exact(-1, 1).make(rng, 6, 37, 260);
    Tensor x32 = x64.to(DType.F32);
    for (int dim = 0; dim < 3; dim++) {
      for (boolean keep : new boolean[] {false, true}) {
        assertClose(x64.sum(dim, keep), x32.sum(dim, keep).to(DType.F64), 5e-5, 1e-5, "sum dim " + dim);
        assertClose(x64.mean(dim, keep), x32.mean(dim, keep).to(DType.F64), 1e-6, 1e-5, "mean dim " + dim);
        assertClose(x64.max(dim, keep), x32.max(dim, keep).to(DType.F64), 0, 0, "max dim " + dim);
        assertClose(x64.min(dim, keep), x32.min(dim, keep).to(DType.F64), 0, 0, "min dim " + dim);
        assertArrayEquals(x64.argmax(dim, keep).toLongArray(), x32.argmax(dim, keep).toLongArray(), "argmax dim " + dim);
      }
    }
    assertClose(x64.sum(new int[] {0, 2}, false), x32.sum(new int[] {0, 2}, false).to(DType.F64), 1e-4, 1e-5, "sum dims 0,2");
    assertClose(new double[] {x64.sum().item()}, new double[] {x32.sum().item()}, 2e-3, 1e-5, "sum all");
    // strided input: permuted view reduced along its last dim
    Tensor p64 = x64.permute(2, 0, 1);
    Tensor p32 = x32.permute(2, 0, 1);
    assertClose(p64.sum(2, false), p32.sum(2, false).to(DType.F64), 5e-5, 1e-5, "sum of a permuted view");
  }

  @Test
  void softmaxAndLayerNorm() {
    Rng rng = new Rng(5);
    Tensor x64 = f32Exact(-6, 6).make(rng, 5, 33, 70);
    Tensor x32 = x64.to(DType.F32);
    for (int dim = 0; dim < 3; dim++) {
      assertClose(x64.softmax(dim), x32.softmax(dim).to(DType.F64), 1e-7, 1e-5, "softmax dim " + dim);
      assertClose(x64.logSoftmax(dim), x32.logSoftmax(dim).to(DType.F64), 3e-6, 1e-6, "logSoftmax dim " + dim);
    }
    for (int n : new int[] {3, 8, 67, 300}) {
      Tensor y64 = f32Exact(-2, 2).make(rng, 50, n).add(1.5).to(DType.F32).to(DType.F64);
      Tensor w64 = f32Exact(0.5, 1.5).make(rng, n);
      Tensor b64 = f32Exact(-1, 1).make(rng, n);
      Tensor ln64 = F.layerNorm(y64, w64, b64, 1e-5);
      Tensor ln32 = F.layerNorm(y64.to(DType.F32), w64.to(DType.F32), b64.to(DType.F32), 1e-5);
      assertClose(ln64, ln32.to(DType.F64), 1e-5, 1e-5, "layerNorm n=" + n);
    }
  }

  @Test
  void softmaxBackwardAgainstF64() {
    Rng rng = new Rng(15);
    for (int n : new int[] {7, 16, 100, 1000}) {
      Tensor x64 = f32Exact(-6, 6).make(rng, 9, n);
      Tensor dy64 = f32Exact(-1, 1).make(rng, 9, n);
      for (boolean log : new boolean[] {false, true}) {
        Tensor y64 = log ? x64.logSoftmax(-1) : x64.softmax(-1);
        Tensor y32 = y64.to(DType.F32);
        Tensor dx64 = Tensor.empty(DType.F64, Device.CPU, 9, n);
        Tensor dx32 = Tensor.empty(DType.F32, Device.CPU, 9, n);
        // the F64 kernel on the same (F32-rounded) probabilities is the reference
        CpuBackend.INSTANCE.softmaxBackward(y32.to(DType.F64), dy64, log, dx64);
        CpuBackend.INSTANCE.softmaxBackward(y32, dy64.to(DType.F32), log, dx32);
        assertClose(dx64, dx32.to(DType.F64), 2e-6, 1e-5, (log ? "logSoftmax" : "softmax") + " backward n=" + n);
      }
    }
  }

  @Test
  void gradientsF32AgainstF64() {
    Rng rng = new Rng(6);
    Tensor x = f32Exact(-1, 1).make(rng, 24, 40);
    Tensor w = f32Exact(-0.3, 0.3).make(rng, 50, 40);
    Tensor g = f32Exact(0.5, 1.5).make(rng, 50);
    Tensor bb = f32Exact(-0.5, 0.5).make(rng, 50);
    Tensor teacher = f32Exact(-2, 2).make(rng, 24, 50);
    long[] t = new long[24];
    for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(50);
    Tensor targets = Tensor.ofLongs(t, 24);
    Tensor[][] grads = new Tensor[2][];
    DType[] dts = {DType.F64, DType.F32};
    for (int v = 0; v < 2; v++) {
      DType dt = dts[v];
      Tensor[] leaves = {x.to(dt).detach().requiresGrad(true), w.to(dt).detach().requiresGrad(true), g.to(dt).detach().requiresGrad(true), bb.to(dt).detach().requiresGrad(true)};
      Tensor h = F.layerNorm(F.linear(leaves[0], leaves[1], null).gelu(), leaves[2], leaves[3], 1e-5);
      Tensor loss = F.crossEntropy(h, targets, -100, 0.1, Reduction.MEAN).add(F.klDiv(h, teacher.to(dt), 2.0, null)).add(h.softmax(-1).mul(h).mean());
      loss.backward();
      grads[v] = new Tensor[] {leaves[0].grad(), leaves[1].grad(), leaves[2].grad(), leaves[3].grad()};
    }
    for (int i = 0; i < 4; i++) assertClose(grads[0][i], grads[1][i].to(DType.F64), 2e-5, 1e-3, "gradient of input " + i);
  }

  @Test
  void specialValuesAgreeAcrossPaths() {
    // NaN and infinities in the vector body (index 0) and the scalar tail (last index) alike
    int n = 35;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = i - 17;
    v[0] = Float.NaN;
    v[n - 1] = Float.NaN;
    v[1] = Float.POSITIVE_INFINITY;
    v[n - 2] = Float.NEGATIVE_INFINITY;
    Tensor x32 = Tensor.of(v, n);
    Tensor x64 = x32.to(DType.F64);
    UnaryOp[] ops = {UnaryOp.NEG, UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.STEP, UnaryOp.GELU_TANH, UnaryOp.GELU_ERF};
    for (UnaryOp op : ops) {
      float[] got = run(op, x32).toFloatArray();
      double[] ref = run(op, x64).toDoubleArray();
      for (int i : new int[] {0, 1, n - 2, n - 1}) {
        if (Double.isNaN(ref[i]) != Float.isNaN(got[i]) || !Double.isNaN(ref[i]) && (float) ref[i] != got[i]) {
          throw new AssertionError(op + " of " + v[i] + " (index " + i + "): F32 " + got[i] + ", F64 " + ref[i]);
        }
      }
    }
    assertTrue(Float.isNaN(x32.relu().toFloatArray()[0]), "relu(NaN) is NaN, as in torch");
    assertTrue(Double.isNaN(x64.relu().toDoubleArray()[n - 1]));
  }

  /**
   * The F32 kernels must not depend on whether the JIT has compiled them yet. The Vector API's
   * transcendental lanes and its reduceLanes(ADD) do (interpreted fallback and C2 intrinsic round
   * differently), so the kernels use exp/tanh built from exactly rounded lane operations and sum
   * lanes in a fixed order. Checked two ways: results within a few ulp of the F64 kernels, and the
   * same bits before and after thousands of calls have had the JIT compile every path.
   */
  @Test
  void kernelsAreAccurateAndIndependentOfTheJit() {
    Rng rng = new Rng(7);
    int rows = 6;
    int n = 77;
    Tensor x64 = f32Exact(-5, 5).make(rng, rows, n);
    Tensor x32 = x64.to(DType.F32);
    UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU_TANH, UnaryOp.GELU_TANH_GRAD, UnaryOp.GELU_ERF, UnaryOp.GELU_ERF_GRAD};
    float[][] first = new float[ops.length][];
    double[] xs = x64.toDoubleArray();
    for (int k = 0; k < ops.length; k++) {
      double[] ref = run(ops[k], x64).toDoubleArray();
      first[k] = run(ops[k], x32).toFloatArray();
      for (int i = 0; i < ref.length; i++) {
        // erf is a polynomial good to 1.5e-7 absolute
        boolean erf = ops[k] == UnaryOp.GELU_ERF || ops[k] == UnaryOp.GELU_ERF_GRAD;
        double tol = 4 * Math.ulp((float) ref[i]) + (erf ? 1.5e-7 * (1 + Math.abs(xs[i])) : 1e-7);
        assertEquals(ref[i], first[k][i], tol, ops[k] + " element " + i);
      }
    }
    float[] firstSoftmax = x32.softmax(-1).toFloatArray();
    float[] firstSum = x32.sum(-1, false).toFloatArray();
    Tensor small = x32.narrow(0, 0, 1);
    for (int iter = 0; iter < 3000; iter++) {
      for (UnaryOp op : ops) run(op, small);
      small.softmax(-1);
      small.sum(-1, false);
    }
    for (int k = 0; k < ops.length; k++) {
      float[] again = run(ops[k], x32).toFloatArray();
      for (int i = 0; i < again.length; i++) {
        assertEquals(Float.floatToRawIntBits(first[k][i]), Float.floatToRawIntBits(again[i]), ops[k] + " element " + i + " changed after JIT compilation");
      }
    }
    assertArrayEquals(firstSoftmax, x32.softmax(-1).toFloatArray(), 0f, "softmax changed after JIT compilation");
    assertArrayEquals(firstSum, x32.sum(-1, false).toFloatArray(), 0f, "row sums changed after JIT compilation");

    float[] logIn = x32.abs().add(0.1).toFloatArray();
    float[] logOut = x32.abs().add(0.1).log().toFloatArray();
    for (int i = 0; i < logIn.length; i++) assertEquals((float) Math.log(logIn[i]), logOut[i], 0f, "log element " + i);

    float[] v = x32.toFloatArray();
    float[] rs = x32.sum(-1, false).toFloatArray();
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    for (int r = 0; r < rows; r++) {
      float[] acc = new float[lanes];
      int bound = n - n % lanes;
      for (int i = 0; i < bound; i++) acc[i % lanes] += v[r * n + i];
      float total = 0;
      for (float a : acc) total += a;
      for (int i = bound; i < n; i++) total += v[r * n + i];
      assertEquals(total, rs[r], 0f, "row sum " + r + " in lane order");
    }
  }
}
