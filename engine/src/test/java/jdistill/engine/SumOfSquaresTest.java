package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.cpu.CpuBackend;
import jdistill.engine.nn.Parameter;
import jdistill.engine.optim.GradClip;
import org.junit.jupiter.api.Test;

/** {@code Backend.sumOfSquares} on the CPU against a double loop, and GradClip's global norm built on it. */
class SumOfSquaresTest {

  private static final CpuBackend CPU = CpuBackend.INSTANCE;

  private static double loop(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return s;
  }

  @Test
  void matchesADoubleLoopForEveryFloatingDtype() {
    Rng rng = new Rng(1);
    // 200003 elements span several fixed chunks of partial sums, with a ragged last one
    for (int n : new int[] {1, 7, 1000, 200_003}) {
      Tensor x = Tensor.randn(rng, 3.0, n);
      for (DType dt : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16}) {
        Tensor t = x.to(dt);
        double expected = loop(t.toDoubleArray());
        double got = CPU.sumOfSquares(t);
        // the CPU adds in double: only the order of the additions differs from the loop
        assertEquals(expected, got, 1e-12 * expected, dt + " n=" + n);
      }
    }
  }

  @Test
  void f32ValuesAreAccumulatedInDouble() {
    // 2^24 + 1 ones in F32 would stop growing at 2^24 with a float accumulator
    int n = (1 << 24) + 1;
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    assertEquals(n, CPU.sumOfSquares(Tensor.of(ones, n)), 0.0);
  }

  @Test
  void stridedViewsOffsetsAndEmptyTensors() {
    Rng rng = new Rng(2);
    Tensor base = Tensor.randn(rng, 1.0, 6, 9);
    Tensor view = base.narrow(0, 1, 4).narrow(1, 2, 5).mT();
    assertEquals(loop(view.toDoubleArray()), CPU.sumOfSquares(view), 1e-12);
    Tensor row = base.narrow(0, 3, 1);
    assertEquals(loop(row.toDoubleArray()), CPU.sumOfSquares(row), 1e-12);
    assertEquals(0.0, CPU.sumOfSquares(Tensor.zeros(0, 3)));
    assertEquals(4.0, CPU.sumOfSquares(Tensor.scalar(-2)));
    assertThrows(IllegalArgumentException.class, () -> CPU.sumOfSquares(Tensor.ofLongs(new long[] {1, 2}, 2)));
  }

  @Test
  void sameBitsEveryRun() {
    Tensor x = Tensor.randn(new Rng(3), 1.0, 300_001);
    double first = CPU.sumOfSquares(x);
    for (int i = 0; i < 3; i++) assertEquals(Double.doubleToLongBits(first), Double.doubleToLongBits(CPU.sumOfSquares(x)));
  }

  @Test
  void gradClipGlobalNormIsTheSquareRootOfAllSquaresInParameterOrder() {
    Rng rng = new Rng(4);
    List<Parameter> params = new ArrayList<>();
    double total = 0;
    DType[] types = {DType.F32, DType.F64, DType.BF16, DType.F32};
    for (int i = 0; i < types.length; i++) {
      Tensor g = Tensor.randn(rng, 0.5, 17 + 100 * i, 3).to(types[i]);
      int[] shape = g.shape();
      DType dt = types[i];
      Parameter p = Parameter.of(() -> Tensor.zeros(dt, Device.CPU, shape));
      p.tensor().setGrad(g);
      params.add(p);
      total += loop(g.toDoubleArray());
    }
    params.add(Parameter.of(() -> Tensor.zeros(4))); // no gradient: counts as zero
    double norm = GradClip.globalNorm(params);
    assertEquals(Math.sqrt(total), norm, 1e-12 * Math.sqrt(total));
    double before = norm;
    assertEquals(before, GradClip.clipGlobalNorm(params, before / 4), 0.0);
    assertEquals(before / 4, GradClip.globalNorm(params), 1e-2 * before / 4); // BF16 gradients round when scaled
  }
}
