package jdistill.engine.optim;

import java.util.Collection;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;

/**
 * Gradient clipping by the global L2 norm over all gradients, as torch's {@code
 * clip_grad_norm_}: when the norm exceeds {@code maxNorm} every gradient is multiplied by {@code
 * maxNorm / (norm + 1e-6)}. Either scale in place ({@link #clipGlobalNorm}) or pass {@link
 * #scaleFor} to {@link Optimizer#step(double)} and skip the extra pass.
 */
public final class GradClip {

  private GradClip() {}

  /**
   * The L2 norm of all gradients together (parameters without a gradient count as zero): one
   * {@link jdistill.engine.backend.Backend#sumOfSquares} per gradient, added on the host in the
   * parameters' order, so the result is the same every run.
   */
  public static double globalNorm(Collection<Parameter> params) {
    double total = 0;
    for (Parameter p : params) {
      Tensor grad = p.grad();
      if (grad == null) continue;
      total += grad.backend().sumOfSquares(grad.detach());
    }
    return Math.sqrt(total);
  }

  /** The factor that brings {@code norm} down to {@code maxNorm}: 1 when already within it (or not finite). */
  public static double scaleFor(double norm, double maxNorm) {
    if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    if (!Double.isFinite(norm)) return 1.0;
    double coef = maxNorm / (norm + 1e-6);
    return Math.min(coef, 1.0);
  }

  /**
   * Scales every gradient in place so the global norm is at most {@code maxNorm}; returns the
   * norm before clipping. A non-finite norm leaves the gradients untouched (check the returned
   * value and skip the step).
   */
  public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
    double norm = globalNorm(params);
    double scale = scaleFor(norm, maxNorm);
    if (scale < 1.0) {
      try (var g = GradMode.noGrad(); var s = Scope.open()) {
        for (Parameter p : params) {
          Tensor grad = p.grad();
          if (grad == null) continue;
          grad.backend().copy(grad.detach().mul(scale), grad);
        }
      }
    }
    return norm;
  }
}
