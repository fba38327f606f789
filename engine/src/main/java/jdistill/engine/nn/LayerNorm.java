package jdistill.engine.nn;

import jdistill.engine.F;
import jdistill.engine.Tensor;

/** Layer normalisation over the last dimension with a learnt scale (ones) and shift (zeros). */
public final class LayerNorm extends Module {

  private final int dim;
  private final double eps;
  private final Parameter weight;
  private final Parameter bias;

  public LayerNorm(int dim, double eps) {
    if (dim <= 0) throw new IllegalArgumentException("LayerNorm needs a positive size, got " + dim);
    this.dim = dim;
    this.eps = eps;
    this.weight = registerParameter("weight", Parameter.of(() -> Tensor.ones(dim)));
    this.bias = registerParameter("bias", Parameter.of(() -> Tensor.zeros(dim)));
  }

  /** torch's default eps 1e-5. */
  public LayerNorm(int dim) {
    this(dim, 1e-5);
  }

  public Tensor forward(Tensor x) {
    if (x.shape(-1) != dim) {
      throw new IllegalArgumentException("LayerNorm '" + weight.name() + "': input has last dimension " + x.shape(-1) + ", expected " + dim);
    }
    return F.layerNorm(x, weight.tensor(), bias.tensor(), eps);
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  public double eps() {
    return eps;
  }
}
