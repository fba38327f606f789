package jdistill.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * Float64 central-difference gradient check: compares the autograd gradient of {@code sum(f(x) *
 * w)} (w fixed random weights, so every output element matters) with (L(x+h) - L(x-h)) / 2h for
 * every element of every input.
 */
public final class GradCheck {

  private GradCheck() {}

  /** Checks {@code f} at {@code inputs} (F64 leaves that require grad) with relative tolerance {@code tol}. */
  public static void check(String name, Function<Tensor[], Tensor> f, double tol, Tensor... inputs) {
    for (Tensor in : inputs) {
      if (in.dtype() != DType.F64) throw new IllegalArgumentException("gradient checks run in F64");
      in.requiresGrad(true);
      in.setGrad(null);
    }
    Tensor probe = f.apply(inputs);
    Rng rng = new Rng(12345);
    double[] w = new double[(int) probe.numel()];
    for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
    Tensor weights = Tensor.of(w, probe.shape());
    f.apply(inputs).mul(weights).sum().backward();
    double h = 1e-6;
    for (int k = 0; k < inputs.length; k++) {
      Tensor in = inputs[k];
      double[] analytic = in.grad() == null ? new double[(int) in.numel()] : in.grad().toDoubleArray();
      double[] data = ((jdistill.engine.cpu.CpuStorage) in.storage()).doubles();
      int[] positions = positions(in);
      for (int e = 0; e < positions.length; e++) {
        int pos = positions[e];
        double saved = data[pos];
        data[pos] = saved + h;
        double plus = loss(f, inputs, weights);
        data[pos] = saved - h;
        double minus = loss(f, inputs, weights);
        data[pos] = saved;
        double numeric = (plus - minus) / (2 * h);
        double err = Math.abs(numeric - analytic[e]);
        double scale = Math.max(1.0, Math.max(Math.abs(numeric), Math.abs(analytic[e])));
        if (err / scale > tol) {
          fail(name + ": input " + k + " element " + e + ": autograd " + analytic[e] + " vs finite difference " + numeric + " (relative error " + err / scale + " > " + tol + ")");
        }
      }
    }
  }

  /** Checks with the standard tolerance 1e-6. */
  public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
    check(name, f, 1e-6, inputs);
  }

  private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor weights) {
    try (var g = jdistill.engine.autograd.GradMode.noGrad()) {
      return f.apply(inputs).mul(weights).sum().item();
    }
  }

  /** Storage index of each element of a (possibly strided) view, in row-major element order. */
  private static int[] positions(Tensor t) {
    int n = (int) t.numel();
    int[] out = new int[n];
    int[] shape = t.shape();
    int[] strides = t.strides();
    for (int i = 0; i < n; i++) {
      int rem = i;
      long off = t.offset();
      for (int d = shape.length - 1; d >= 0; d--) {
        off += (long) (rem % shape[d]) * strides[d];
        rem /= shape[d];
      }
      out[i] = (int) off;
    }
    return out;
  }

  /** A random F64 tensor with values in [-1, 1). */
  public static Tensor rand(Rng rng, int... shape) {
    double[] v = new double[(int) Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble() * 2 - 1;
    return Tensor.of(v, shape);
  }
}
