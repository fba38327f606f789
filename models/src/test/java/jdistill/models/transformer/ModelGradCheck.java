package jdistill.models.transformer;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.function.Supplier;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.cpu.CpuStorage;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;

/**
 * Float64 central-difference check of the gradient of a scalar loss with respect to every element
 * of every parameter of a (tiny) module, as the engine's GradCheck does for op inputs.
 */
public final class ModelGradCheck {

  private ModelGradCheck() {}

  /** {@code loss} recomputes the scalar loss from the module's current parameters. */
  public static void check(Module model, Supplier<Tensor> loss, double tol) {
    model.zeroGrad();
    loss.get().backward();
    double h = 1e-6;
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      Tensor t = e.getValue().tensor();
      if (t.dtype() != DType.F64) throw new IllegalArgumentException("gradient checks run in F64, " + e.getKey() + " is " + t.dtype());
      assertNotNull(t.grad(), "no gradient reached " + e.getKey());
      double[] analytic = t.grad().toDoubleArray();
      double[] data = ((CpuStorage) t.storage()).doubles();
      int off = (int) t.offset();
      for (int i = 0; i < analytic.length; i++) {
        double saved = data[off + i];
        data[off + i] = saved + h;
        double plus = value(loss);
        data[off + i] = saved - h;
        double minus = value(loss);
        data[off + i] = saved;
        double numeric = (plus - minus) / (2 * h);
        double err = Math.abs(numeric - analytic[i]);
        double scale = Math.max(1.0, Math.max(Math.abs(numeric), Math.abs(analytic[i])));
        if (err / scale > tol) {
          fail(e.getKey() + " element " + i + ": autograd " + analytic[i] + " vs finite difference " + numeric + " (relative error " + err / scale + ")");
        }
      }
    }
  }

  private static double value(Supplier<Tensor> loss) {
    try (var g = GradMode.noGrad()) {
      return loss.get().item();
    }
  }

  /** Overwrites every parameter with N(mean, std) values (LayerNorm weights around 1). */
  public static void randomize(Module model, jdistill.engine.Rng rng, double std) {
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      Parameter p = e.getValue();
      Tensor r = Tensor.randn(rng, std, p.shape());
      if (e.getKey().endsWith("LayerNorm.weight") || e.getKey().matches(".*ln_[^.]*\\.weight")) r = r.add(1.0);
      p.copyFrom(r);
    }
  }
}
