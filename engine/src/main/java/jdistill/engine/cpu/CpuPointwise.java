package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels of the CPU backend. F32 rows with unit stride take Vector API loops; every
 * other dtype or layout takes the generic path through {@link ScalarMath} in double.
 */
final class CpuPointwise {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final float SQRT_2_OVER_PI = (float) ScalarMath.SQRT_2_OVER_PI;
  private static final float GELU_C = (float) ScalarMath.GELU_C;

  private CpuPointwise() {}

  static void unary(UnaryOp op, Tensor x, Tensor out) {
    StridedLoop loop = new StridedLoop(out.shape(), x, out);
    if (x.dtype() == DType.F32 && out.dtype() == DType.F32) {
      float[] xa = ((CpuStorage) x.storage()).floats();
      float[] oa = ((CpuStorage) out.storage()).floats();
      loop.forEachRow((off, step, n) -> {
        if (step[0] == 1 && step[1] == 1 && vectorizable(op)) unaryF32(op, xa, off[0], oa, off[1], n);
        else for (int i = 0; i < n; i++) oa[off[1] + i * step[1]] = unaryF32Scalar(op, xa[off[0] + i * step[0]]);
      });
      return;
    }
    Access.Reader r = Access.reader(x);
    Access.Writer w = Access.writer(out);
    loop.forEachRow((off, step, n) -> {
      for (int i = 0; i < n; i++) w.set(off[1] + i * step[1], ScalarMath.unary(op, r.get(off[0] + i * step[0])));
    });
  }

  static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    StridedLoop loop = new StridedLoop(out.shape(), a, b, out);
    if (a.dtype() == DType.F32 && b.dtype() == DType.F32 && out.dtype() == DType.F32) {
      float[] aa = ((CpuStorage) a.storage()).floats();
      float[] ba = ((CpuStorage) b.storage()).floats();
      float[] oa = ((CpuStorage) out.storage()).floats();
      loop.forEachRow((off, step, n) -> {
        if (step[0] == 1 && step[2] == 1 && (step[1] == 1 || step[1] == 0) && vectorizable(op)) {
          binaryF32(op, aa, off[0], ba, off[1], step[1] == 0, oa, off[2], n);
        } else {
          for (int i = 0; i < n; i++) {
            oa[off[2] + i * step[2]] = (float) ScalarMath.binary(op, aa[off[0] + i * step[0]], ba[off[1] + i * step[1]]);
          }
        }
      });
      return;
    }
    Access.Reader ra = Access.reader(a);
    Access.Reader rb = Access.reader(b);
    Access.Writer w = Access.writer(out);
    loop.forEachRow((off, step, n) -> {
      for (int i = 0; i < n; i++) {
        w.set(off[2] + i * step[2], ScalarMath.binary(op, ra.get(off[0] + i * step[0]), rb.get(off[1] + i * step[1])));
      }
    });
  }

  static void binaryScalar(BinaryOp op, Tensor a, double s, boolean scalarFirst, Tensor out) {
    StridedLoop loop = new StridedLoop(out.shape(), a, out);
    if (a.dtype() == DType.F32 && out.dtype() == DType.F32 && !scalarFirst && vectorizable(op)) {
      float[] aa = ((CpuStorage) a.storage()).floats();
      float[] oa = ((CpuStorage) out.storage()).floats();
      float[] sv = {(float) s};
      loop.forEachRow((off, step, n) -> {
        if (step[0] == 1 && step[1] == 1) binaryF32(op, aa, off[0], sv, 0, true, oa, off[1], n);
        else for (int i = 0; i < n; i++) oa[off[1] + i * step[1]] = (float) ScalarMath.binary(op, aa[off[0] + i * step[0]], sv[0]);
      });
      return;
    }
    Access.Reader r = Access.reader(a);
    Access.Writer w = Access.writer(out);
    loop.forEachRow((off, step, n) -> {
      for (int i = 0; i < n; i++) {
        double x = r.get(off[0] + i * step[0]);
        w.set(off[1] + i * step[1], scalarFirst ? ScalarMath.binary(op, s, x) : ScalarMath.binary(op, x, s));
      }
    });
  }

  static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
    StridedLoop loop = new StridedLoop(out.shape(), cond, a, b, out);
    Access.Reader rc = Access.reader(cond);
    Access.Reader ra = Access.reader(a);
    Access.Reader rb = Access.reader(b);
    Access.Writer w = Access.writer(out);
    loop.forEachRow((off, step, n) -> {
      for (int i = 0; i < n; i++) {
        boolean c = rc.get(off[0] + i * step[0]) != 0;
        w.set(off[3] + i * step[3], c ? ra.get(off[1] + i * step[1]) : rb.get(off[2] + i * step[2]));
      }
    });
  }

  /**
   * Ops with a Vector API form built from exactly rounded lane operations only: exp and tanh come
   * from {@link VectorMath}, never from the Vector API's own transcendental lane ops, whose bits
   * differ between interpreted and compiled code; erf is a polynomial over exp. LOG and SIGN run
   * element by element.
   */
  private static boolean vectorizable(UnaryOp op) {
    return op != UnaryOp.SIGN && op != UnaryOp.LOG;
  }

  private static boolean vectorizable(BinaryOp op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV, MAX, MIN -> true;
      default -> false;
    };
  }

  private static float unaryF32Scalar(UnaryOp op, float x) {
    return switch (op) {
      case GELU_ERF -> 0.5f * x * (1.0f + ScalarMath.erfFast(x * (float) ScalarMath.INV_SQRT_2));
      case GELU_ERF_GRAD ->
          0.5f * (1.0f + ScalarMath.erfFast(x * (float) ScalarMath.INV_SQRT_2)) + x * (float) ScalarMath.INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
      default -> (float) ScalarMath.unary(op, x);
    };
  }

  private static void unaryF32(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i);
      vectorUnary(op, v).intoArray(out, oo + i);
    }
    for (; i < n; i++) out[oo + i] = unaryF32Scalar(op, x[xo + i]);
  }

  private static FloatVector vectorUnary(UnaryOp op, FloatVector v) {
    return switch (op) {
      case NEG -> v.neg();
      case EXP -> VectorMath.exp(v);
      case SQRT -> v.sqrt();
      case RSQRT -> one().div(v.sqrt());
      case TANH -> VectorMath.tanh(v);
      case SIGMOID -> VectorMath.sigmoid(v);
      case RELU -> v.max(0f);
      case GELU_TANH -> {
        // 0.5 x (1 + tanh(u)) = x * sigmoid(2u), without the cancellation of 1 + tanh(u) for x << 0
        FloatVector u2 = v.mul(v).mul(v).mul(GELU_C).add(v).mul(2f * SQRT_2_OVER_PI);
        yield v.mul(VectorMath.sigmoid(u2));
      }
      case GELU_ERF -> v.mul(0.5f).mul(VectorMath.erf(v.mul((float) ScalarMath.INV_SQRT_2)).add(1f));
      case GELU_ERF_GRAD -> {
        FloatVector cdf = VectorMath.erf(v.mul((float) ScalarMath.INV_SQRT_2)).add(1f).mul(0.5f);
        yield v.mul((float) ScalarMath.INV_SQRT_2PI).mul(VectorMath.exp(v.mul(v).mul(-0.5f))).add(cdf);
      }
      case ABS -> v.abs();
      case RECIPROCAL -> one().div(v);
      case SQUARE -> v.mul(v);
      case STEP -> FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f));
      case GELU_TANH_GRAD -> {
        // with s = sigmoid(2u): 0.5 (1 + tanh u) = s and 0.5 x (1 - tanh^2 u) u' = 2 x s (1 - s) u'
        FloatVector x2 = v.mul(v);
        FloatVector e = VectorMath.exp(x2.mul(v).mul(GELU_C).add(v).mul(-2f * SQRT_2_OVER_PI));
        FloatVector s = one().div(e.add(1f));
        FloatVector oneMinusS = e.div(e.add(1f));
        FloatVector du = x2.mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
        yield v.mul(2f).mul(s).mul(oneMinusS).mul(du).add(s);
      }
      default -> throw new IllegalArgumentException("no vector form for " + op);
    };
  }

  private static FloatVector one() {
    return FloatVector.broadcast(S, 1f);
  }

  private static void binaryF32(BinaryOp op, float[] a, int ao, float[] b, int bo, boolean bScalar, float[] out, int oo, int n) {
    if (!vectorizable(op)) throw new IllegalArgumentException("no vector form for " + op);
    int i = 0;
    int bound = S.loopBound(n);
    FloatVector bs = bScalar ? FloatVector.broadcast(S, b[bo]) : null;
    for (; i < bound; i += S.length()) {
      FloatVector va = FloatVector.fromArray(S, a, ao + i);
      FloatVector vb = bScalar ? bs : FloatVector.fromArray(S, b, bo + i);
      // one named method per operator: C2 intrinsifies lanewise(op, v) only for a constant op and
      // otherwise runs the Vector API's per-lane Java fallback
      FloatVector r = switch (op) {
        case ADD -> va.add(vb);
        case SUB -> va.sub(vb);
        case MUL -> va.mul(vb);
        case DIV -> va.div(vb);
        case MAX -> va.max(vb);
        case MIN -> va.min(vb);
        default -> throw new IllegalArgumentException("no vector form for " + op);
      };
      r.intoArray(out, oo + i);
    }
    for (; i < n; i++) out[oo + i] = (float) ScalarMath.binary(op, a[ao + i], b[bScalar ? bo : bo + i]);
  }
}
