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
import static jdistill.engine.cuda.Gpu.uniform;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Elementwise ops on CUDA against the CPU backend: copy/convert, fill, unary, binary, scalar, where. */
@Tag("gpu")
class CudaElementwiseParityTest {

  private static final List<DType> ALL = List.of(DType.F32, DType.F64, DType.BF16, DType.F16, DType.I32, DType.I64);

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
  void copyConvertsBetweenEveryDtypePairAndLayout() {
    Tensor base = uniform(1, DType.F32, -1000, 1000, 7, 33);
    for (DType from : ALL) {
      Tensor x = base.to(from);
      Tensor xg = gpu(x);
      for (DType to : ALL) {
        String what = "copy " + from + " -> " + to;
        // transposed source into a contiguous destination
        Tensor out = poisoned(to, 33, 7);
        gpu.copy(xg.mT(), out);
        Tensor ref = cpuEmpty(to, 33, 7);
        CPU.copy(x.mT(), ref);
        assertExact(what + " (transposed source)", ref, out);
        // contiguous source into a transposed destination view
        Tensor outT = poisoned(to, 33, 7);
        gpu.copy(xg, outT.mT());
        assertExact(what + " (transposed destination)", ref, outT);
        // an offset window (narrow) into a contiguous destination
        Tensor win = poisoned(to, 7, 20);
        gpu.copy(xg.narrow(1, 5, 20), win);
        Tensor winRef = cpuEmpty(to, 7, 20);
        CPU.copy(x.narrow(1, 5, 20), winRef);
        assertExact(what + " (window)", winRef, win);
      }
    }
    // a large contiguous copy (device memcpy) and a broadcast row
    Tensor big = randn(2, DType.F32, 1 << 20);
    Tensor bigOut = poisoned(DType.F32, 1 << 20);
    gpu.copy(gpu(big), bigOut);
    assertExact("contiguous copy", big, bigOut);
    Tensor row = randn(3, DType.BF16, 1, 129);
    Tensor rows = poisoned(DType.BF16, 65, 129);
    gpu.copy(gpu(row).expand(65, 129), rows);
    assertExact("broadcast copy", row.expand(65, 129).contiguous(), rows);
  }

  @Test
  void fillEveryDtype() {
    for (DType d : ALL) {
      for (double v : new double[] {0, -2.75, 3e9}) {
        for (int n : new int[] {1, 7, 4099}) {
          Tensor out = poisoned(d, n);
          gpu.fill(out, v);
          Tensor ref = cpuEmpty(d, n);
          CPU.fill(ref, v);
          assertExact("fill " + d + " " + v + " x " + n, ref, out);
        }
      }
    }
  }

  private static Tensor unaryInput(UnaryOp op, long seed, DType d, int... shape) {
    return switch (op) {
      case LOG, SQRT, RSQRT -> uniform(seed, d, 0.1, 4, shape);
      case RECIPROCAL -> uniform(seed, d, 0.5, 3, shape);
      default -> randn(seed, d, shape).mul(2);
    };
  }

  @Test
  void unaryEveryOpContiguousAndStrided() {
    for (DType d : Gpu.COMPUTE) {
      for (UnaryOp op : UnaryOp.values()) {
        for (int[] shape : new int[][] {{1}, {33, 17}, {3, 5, 129}}) {
          Tensor x = unaryInput(op, op.ordinal() + 10L * shape.length, d, shape);
          Tensor out = poisoned(d, shape);
          gpu.unary(op, gpu(x), out);
          Tensor ref = cpuEmpty(DType.F32, shape);
          CPU.unary(op, f32(x), ref);
          assertClose("unary " + op + " " + d + " " + java.util.Arrays.toString(shape), ref, out, rtol(d));
        }
        Tensor x = unaryInput(op, 99, d, 17, 33);
        Tensor out = poisoned(d, 33, 17);
        gpu.unary(op, gpu(x).mT(), out);
        Tensor ref = cpuEmpty(DType.F32, 33, 17);
        CPU.unary(op, f32(x).mT(), ref);
        assertClose("unary " + op + " " + d + " transposed", ref, out, rtol(d));
      }
    }
  }

  private static boolean comparison(BinaryOp op) {
    return switch (op) {
      case EQ, GT, GE, LT, LE -> true;
      default -> false;
    };
  }

  /** Inputs for op: positive bases for POW, divisors away from 0, small integers for comparisons (so equality happens). */
  private static Tensor[] binaryInputs(BinaryOp op, DType d, int[] sa, int[] sb) {
    long s = op.ordinal() * 7L;
    if (comparison(op)) {
      return new Tensor[] {Gpu.ids(s, DType.I64, 3, sa).to(d), Gpu.ids(s + 1, DType.I64, 3, sb).to(d)};
    }
    return switch (op) {
      case POW -> new Tensor[] {uniform(s, d, 0.5, 2, sa), uniform(s + 1, d, -2, 2, sb)};
      case DIV -> new Tensor[] {randn(s, d, sa), uniform(s + 1, d, 0.5, 2, sb)};
      default -> new Tensor[] {randn(s, d, sa), randn(s + 1, d, sb)};
    };
  }

  @Test
  void binaryEveryOpWithBroadcasting() {
    for (DType d : Gpu.COMPUTE) {
      for (BinaryOp op : BinaryOp.values()) {
        // same shape, contiguous
        Tensor[] in = binaryInputs(op, d, new int[] {129, 7}, new int[] {129, 7});
        Tensor out = poisoned(d, 129, 7);
        gpu.binary(op, gpu(in[0]), gpu(in[1]), out);
        Tensor ref = cpuEmpty(DType.F32, 129, 7);
        CPU.binary(op, f32(in[0]), f32(in[1]), ref);
        assertClose("binary " + op + " " + d, ref, out, rtol(d));
        // [4,1,5] with [1,3,5] -> [4,3,5] through zero strides
        in = binaryInputs(op, d, new int[] {4, 1, 5}, new int[] {1, 3, 5});
        out = poisoned(d, 4, 3, 5);
        gpu.binary(op, gpu(in[0]).expand(4, 3, 5), gpu(in[1]).expand(4, 3, 5), out);
        ref = cpuEmpty(DType.F32, 4, 3, 5);
        CPU.binary(op, f32(in[0]).expand(4, 3, 5), f32(in[1]).expand(4, 3, 5), ref);
        assertClose("binary " + op + " " + d + " broadcast", ref, out, rtol(d));
      }
    }
    // mixed input dtypes are converted to the output's
    Tensor a = randn(5, DType.BF16, 10);
    Tensor b = randn(6, DType.F32, 10);
    Tensor out = poisoned(DType.F32, 10);
    gpu.binary(BinaryOp.MUL, gpu(a), gpu(b), out);
    Tensor ref = cpuEmpty(DType.F32, 10);
    CPU.binary(BinaryOp.MUL, f32(a), b, ref);
    assertClose("binary MUL BF16 x F32", ref, out, Gpu.F32_RTOL);
  }

  @Test
  void binaryScalarEveryOpBothSides() {
    for (DType d : Gpu.COMPUTE) {
      for (BinaryOp op : BinaryOp.values()) {
        for (boolean first : new boolean[] {false, true}) {
          double s = comparison(op) ? 1.0 : op == BinaryOp.DIV && first ? 1.5 : 0.75;
          Tensor x = comparison(op) ? Gpu.ids(op.ordinal(), DType.I64, 3, 31, 9).to(d)
              : op == BinaryOp.POW && !first || op == BinaryOp.DIV && first ? uniform(op.ordinal(), d, 0.5, 2, 31, 9) : randn(op.ordinal(), d, 31, 9);
          Tensor out = poisoned(d, 31, 9);
          gpu.binaryScalar(op, gpu(x), s, first, out);
          Tensor ref = cpuEmpty(DType.F32, 31, 9);
          CPU.binaryScalar(op, f32(x), s, first, ref);
          assertClose("binaryScalar " + op + (first ? " (scalar first) " : " ") + d, ref, out, rtol(d));
          Tensor outT = poisoned(d, 9, 31);
          gpu.binaryScalar(op, gpu(x).mT(), s, first, outT);
          Tensor refT = cpuEmpty(DType.F32, 9, 31);
          CPU.binaryScalar(op, f32(x).mT(), s, first, refT);
          assertClose("binaryScalar " + op + " " + d + " transposed", refT, outT, rtol(d));
        }
      }
    }
  }

  @Test
  void whereWithBroadcastConditionOfAnyDtype() {
    for (DType d : Gpu.COMPUTE) {
      for (DType cd : List.of(DType.I64, DType.I32, DType.F32, DType.BF16)) {
        Tensor cond = Gpu.ids(3, DType.I64, 2, 40, 1).to(cd);
        Tensor a = randn(4, d, 40, 65);
        Tensor b = randn(5, d, 1, 65);
        Tensor out = poisoned(d, 40, 65);
        gpu.where(gpu(cond).expand(40, 65), gpu(a), gpu(b).expand(40, 65), out);
        Tensor ref = cpuEmpty(DType.F32, 40, 65);
        CPU.where(cond.expand(40, 65), f32(a), f32(b).expand(40, 65), ref);
        assertExact("where " + d + " cond " + cd, ref, out);
      }
    }
  }
}
