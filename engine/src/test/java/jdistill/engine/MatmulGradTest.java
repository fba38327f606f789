package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import jdistill.engine.TestSupport.Layout;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks and forward values of matmul: plain, batched, broadcast batch, the 1-D cases
 * and strided operands (transposed views read in place, narrowed and permuted views copied).
 */
class MatmulGradTest {

  private static final int[][][] CASES = {
    {{3, 4}, {4, 5}},
    {{2, 3, 4}, {2, 4, 5}},
    {{2, 1, 3, 4}, {3, 4, 2}},
    {{3, 4}, {2, 4, 5}},
    {{2, 3, 4}, {4, 2}},
    {{4}, {4}},
    {{4}, {4, 3}},
    {{3, 4}, {4}},
    {{2, 3, 4}, {4}},
    {{4}, {2, 4, 3}},
    {{1, 4}, {4, 1}},
    {{3, 1}, {1, 5}},
  };

  @Test
  void gradients() {
    Rng rng = new Rng(1);
    Layout[] layouts = Layout.values();
    for (int[][] c : CASES) {
      for (int i = 0; i < layouts.length; i++) {
        Layout la = layouts[i];
        Layout lb = layouts[(i + 1) % layouts.length];
        Tensor a = leaf(la, rng, c[0]);
        Tensor b = leaf(lb, rng, c[1]);
        String label = "matmul " + Shapes.str(c[0]) + " " + la + " x " + Shapes.str(c[1]) + " " + lb;
        GradCheck.check(label, in -> in[0].matmul(in[1]), a, b);
      }
    }
  }

  @Test
  void transposedOperandsInsideTheGraph() {
    Rng rng = new Rng(2);
    Tensor a = TestSupport.uniform(rng, -1, 1, 4, 3);
    Tensor b = TestSupport.uniform(rng, -1, 1, 5, 4);
    GradCheck.check("a^T b^T", in -> in[0].mT().matmul(in[1].mT()), a, b);
    Tensor x = TestSupport.uniform(rng, -1, 1, 2, 3, 4);
    Tensor w = TestSupport.uniform(rng, -1, 1, 5, 4);
    GradCheck.check("linear", in -> F.linear(in[0], in[1], null), x, w);
    GradCheck.check("x x^T", in -> in[0].matmul(in[0].mT()), x);
    Tensor bias = TestSupport.uniform(rng, -1, 1, 5);
    GradCheck.check("linear with bias", in -> F.linear(in[0], in[1], in[2]), x, w, bias);
    Tensor v = TestSupport.uniform(rng, -1, 1, 4, 3);
    GradCheck.check("expanded batch operand", in -> in[0].matmul(in[1].unsqueeze(0).expand(2, 4, 3)), x, v);
    GradCheck.check("expanded transposed operand", in -> in[0].matmul(in[1].mT().unsqueeze(0).expand(2, 4, 5)), x, w);
  }

  @Test
  void forwardAgainstLoopsF64AndF32() {
    Rng rng = new Rng(3);
    Layout[] layouts = Layout.values();
    for (int[][] c : CASES) {
      for (int i = 0; i < layouts.length; i++) {
        Tensor a = leaf(layouts[i], rng, c[0]);
        Tensor b = leaf(layouts[(i + 2) % layouts.length], rng, c[1]);
        Tensor expected = naiveMatmul(a, b);
        String label = Shapes.str(c[0]) + " " + layouts[i] + " x " + Shapes.str(c[1]);
        TestSupport.assertClose(expected, a.matmul(b), 1e-14, 1e-14, "F64 matmul " + label);
        TestSupport.assertClose(expected, a.to(DType.F32).matmul(b.to(DType.F32)), 1e-5, 1e-5, "F32 matmul " + label);
      }
    }
  }

  @Test
  void largerF32AgainstLoops() {
    Rng rng = new Rng(4);
    int[][] dims = {{37, 53, 29}, {64, 1, 64}, {1, 130, 70}, {70, 130, 1}};
    for (int[] d : dims) {
      Tensor a = TestSupport.uniform(rng, -1, 1, d[0], d[1]);
      Tensor b = TestSupport.uniform(rng, -1, 1, d[1], d[2]);
      Tensor expected = naiveMatmul(a, b);
      TestSupport.assertClose(expected, a.to(DType.F32).matmul(b.to(DType.F32)), 1e-4, 1e-4, "F32 " + Arrays.toString(d));
      Tensor at = a.mT().contiguous().detach().mT();
      Tensor bt = b.mT().contiguous().detach().mT();
      TestSupport.assertClose(expected, at.to(DType.F32).matmul(bt.to(DType.F32)), 1e-4, 1e-4, "F32 transposed " + Arrays.toString(d));
      TestSupport.assertClose(expected, at.matmul(bt), 1e-12, 1e-12, "F64 transposed " + Arrays.toString(d));
    }
  }

  @Test
  void shapes() {
    Tensor a = Tensor.zeros(DType.F64, Device.CPU, 2, 1, 3, 4);
    Tensor b = Tensor.zeros(DType.F64, Device.CPU, 5, 4, 6);
    assertArrayEquals(new int[] {2, 5, 3, 6}, a.matmul(b).shape());
    assertArrayEquals(new int[] {}, Tensor.zeros(DType.F64, Device.CPU, 4).matmul(Tensor.zeros(DType.F64, Device.CPU, 4)).shape());
    assertArrayEquals(new int[] {2, 1, 3}, a.matmul(Tensor.zeros(DType.F64, Device.CPU, 4)).shape());
    assertArrayEquals(new int[] {5, 6}, Tensor.zeros(DType.F64, Device.CPU, 4).matmul(b).shape());
  }

  /** torch.matmul by definition, with explicit loops over broadcast batch indices. */
  static Tensor naiveMatmul(Tensor a, Tensor b) {
    boolean aVec = a.rank() == 1;
    boolean bVec = b.rank() == 1;
    Tensor a2 = aVec ? a.unsqueeze(0) : a;
    Tensor b2 = bVec ? b.unsqueeze(1) : b;
    int[] aBatch = Arrays.copyOf(a2.shape(), a2.rank() - 2);
    int[] bBatch = Arrays.copyOf(b2.shape(), b2.rank() - 2);
    int[] batch = Shapes.broadcast(aBatch, bBatch);
    int m = a2.shape(-2);
    int k = a2.shape(-1);
    int n = b2.shape(-1);
    int[] aFull = Arrays.copyOf(batch, batch.length + 2);
    aFull[batch.length] = m;
    aFull[batch.length + 1] = k;
    int[] bFull = Arrays.copyOf(batch, batch.length + 2);
    bFull[batch.length] = k;
    bFull[batch.length + 1] = n;
    double[] av = a2.expand(aFull).toDoubleArray();
    double[] bv = b2.expand(bFull).toDoubleArray();
    int nb = (int) Shapes.numel(batch);
    double[] out = new double[nb * m * n];
    for (int p = 0; p < nb; p++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int q = 0; q < k; q++) s += av[p * m * k + i * k + q] * bv[p * k * n + q * n + j];
          out[p * m * n + i * n + j] = s;
        }
      }
    }
    int[] shape = Arrays.copyOf(batch, batch.length + 2);
    shape[batch.length] = m;
    shape[batch.length + 1] = n;
    Tensor t = Tensor.of(out, shape);
    if (aVec) t = t.squeeze(-2);
    if (bVec) t = t.squeeze(-1);
    return t;
  }
}
