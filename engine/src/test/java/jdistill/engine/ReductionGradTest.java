package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.engine.TestSupport.Gen;
import jdistill.engine.TestSupport.Layout;
import org.junit.jupiter.api.Test;

/** Gradient checks and forward values of sum, mean, max, min and argmax over dims of strided inputs. */
class ReductionGradTest {

  private static final int[] SHAPE = {2, 3, 4};
  private static final int[][] DIM_SETS = {{0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {2, 0}, {0, 1, 2}};

  @Test
  void sumOverDims() {
    Rng rng = new Rng(1);
    for (Layout layout : Layout.values()) {
      for (int[] dims : DIM_SETS) {
        for (boolean keep : new boolean[] {false, true}) {
          Tensor x = leaf(layout, rng, SHAPE);
          GradCheck.check("sum " + java.util.Arrays.toString(dims) + " keep=" + keep + " " + layout, in -> in[0].sum(dims, keep), x);
        }
      }
      GradCheck.check("sum all " + layout, in -> in[0].sum(), leaf(layout, rng, SHAPE));
    }
  }

  @Test
  void meanOverDims() {
    Rng rng = new Rng(2);
    for (Layout layout : Layout.values()) {
      for (int[] dims : DIM_SETS) {
        for (boolean keep : new boolean[] {false, true}) {
          Tensor x = leaf(layout, rng, SHAPE);
          GradCheck.check("mean " + java.util.Arrays.toString(dims) + " keep=" + keep + " " + layout, in -> in[0].mean(dims, keep), x);
        }
      }
      GradCheck.check("mean all " + layout, in -> in[0].mean(), leaf(layout, rng, SHAPE));
    }
  }

  @Test
  void sumOfScalarAndVector() {
    Rng rng = new Rng(3);
    GradCheck.check("sum of 0-d", in -> in[0].sum().mul(in[0]), TestSupport.uniform(rng, -1, 1));
    GradCheck.check("mean of 1-d", in -> in[0].mean(0, false), TestSupport.uniform(rng, -1, 1, 5));
    GradCheck.check("sum keepDim of 1-d", in -> in[0].sum(0, true).mul(in[0]), TestSupport.uniform(rng, -1, 1, 5));
  }

  @Test
  void maxAndMinAlongDims() {
    Rng rng = new Rng(4);
    Gen distinct = TestSupport::distinct;
    for (Layout layout : Layout.values()) {
      for (int dim = -1; dim < 3; dim++) {
        for (boolean keep : new boolean[] {false, true}) {
          int d = dim;
          Tensor x = leaf(layout, distinct, rng, SHAPE);
          GradCheck.check("max dim " + d + " keep=" + keep + " " + layout, in -> in[0].max(d, keep), x);
          GradCheck.check("min dim " + d + " keep=" + keep + " " + layout, in -> in[0].min(d, keep), x);
        }
      }
    }
  }

  @Test
  void forwardValuesAgainstLoops() {
    Rng rng = new Rng(5);
    for (Layout layout : Layout.values()) {
      Tensor x = leaf(layout, TestSupport::distinct, rng, SHAPE);
      double[] v = x.toDoubleArray();
      // along dim 1 of [2, 3, 4]
      double[] sum = new double[8];
      double[] max = new double[8];
      double[] min = new double[8];
      long[] argmax = new long[8];
      for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
          int o = i * 4 + k;
          max[o] = Double.NEGATIVE_INFINITY;
          min[o] = Double.POSITIVE_INFINITY;
          for (int j = 0; j < 3; j++) {
            double e = v[i * 12 + j * 4 + k];
            sum[o] += e;
            if (e > max[o]) {
              max[o] = e;
              argmax[o] = j;
            }
            min[o] = Math.min(min[o], e);
          }
        }
      }
      TestSupport.assertClose(sum, x.sum(1, false).toDoubleArray(), 1e-15, 1e-15, "sum dim 1 " + layout);
      double[] mean = sum.clone();
      for (int i = 0; i < mean.length; i++) mean[i] /= 3;
      TestSupport.assertClose(mean, x.mean(1, true).toDoubleArray(), 1e-15, 1e-15, "mean dim 1 " + layout);
      assertArrayEquals(max, x.max(1, false).toDoubleArray(), "max dim 1 " + layout);
      assertArrayEquals(min, x.min(1, false).toDoubleArray(), "min dim 1 " + layout);
      assertArrayEquals(argmax, x.argmax(1, false).toLongArray(), "argmax dim 1 " + layout);
      assertArrayEquals(new int[] {2, 1, 4}, x.max(1, true).shape());
      assertArrayEquals(new int[] {2, 4}, x.sum(new int[] {1}, false).shape());
      assertArrayEquals(new int[] {3}, x.sum(new int[] {0, 2}, false).shape());
      assertEquals(0, x.sum().rank());
      double total = 0;
      for (double e : v) total += e;
      assertEquals(total, x.sum().item(), 1e-14);
      assertEquals(total / v.length, x.mean().item(), 1e-14);
    }
  }

  @Test
  void argmaxPicksFirstOfTies() {
    Tensor x = Tensor.of(new double[] {1, 3, 3, 0, 5, 5, 5, 2}, 2, 4);
    assertArrayEquals(new long[] {1, 0}, x.argmax(1, false).toLongArray());
    assertArrayEquals(new long[] {1, 1, 1, 1}, x.argmax(0, false).toLongArray());
    assertArrayEquals(new int[] {2, 1}, x.argmax(1, true).shape());
    // the gradient of max goes to the first maximum only
    Tensor xr = x.detach().requiresGrad(true);
    xr.max(1, false).sum().backward();
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 0, 0}, xr.grad().toDoubleArray());
  }

  @Test
  void sumOverNoDimsIsTheIdentityEvenForStridedViews() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).mT();
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, x.sum(new int[0], false).toDoubleArray());
    assertArrayEquals(new int[] {3, 2}, x.sum(new int[0], true).shape());
  }

  @Test
  void nanPropagatesAndArgmaxPointsAtIt() {
    Tensor x = Tensor.of(new double[] {1, Double.NaN, 3, 0, 4, 2, Double.NaN, Double.NaN}, 2, 4);
    double[] max = x.max(1, false).toDoubleArray();
    assertTrue(Double.isNaN(max[0]) && Double.isNaN(max[1]), "max propagates NaN");
    assertArrayEquals(new long[] {1, 2}, x.argmax(1, false).toLongArray(), "argmax points at the first NaN, where max took its value");
    double[] min = x.min(1, false).toDoubleArray();
    assertTrue(Double.isNaN(min[0]) && Double.isNaN(min[1]), "min propagates NaN");
    Tensor f = x.to(DType.F32);
    assertArrayEquals(new long[] {1, 2}, f.argmax(1, false).toLongArray());
    assertArrayEquals(new long[] {0, 2}, Tensor.of(new double[] {5, 1, 2, 3, 4, 9}, 2, 3).argmax(1, false).toLongArray());
  }

  @Test
  void reductionsOfEmptyTensors() {
    Tensor e = Tensor.zeros(DType.F64, Device.CPU, 0, 3);
    assertArrayEquals(new double[] {0, 0, 0}, e.sum(0, false).toDoubleArray(), "a sum over nothing is 0");
    assertArrayEquals(new int[] {0}, e.sum(1, false).shape());
    assertEquals(0.0, e.sum().item());
    IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> e.max(0, false));
    assertTrue(err.getMessage().contains("over an empty dimension"), err.getMessage());
  }
}
