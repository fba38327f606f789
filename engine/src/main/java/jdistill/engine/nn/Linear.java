package jdistill.engine.nn;

import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;

/**
 * {@code y = x W^T + b} with the weight stored {@code [out, in]} as in torch's {@code nn.Linear}.
 * Initialised as torch does (Kaiming-uniform with a = sqrt(5)): weight and bias both uniform in
 * {@code [-1/sqrt(in), 1/sqrt(in))}, weight drawn first.
 */
public final class Linear extends Module {

  private final int inFeatures;
  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;

  public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
    if (inFeatures <= 0 || outFeatures <= 0) {
      throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + " out=" + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    double bound = 1.0 / Math.sqrt(inFeatures);
    this.weight = registerParameter("weight", Parameter.of(() -> Tensor.uniform(rng, -bound, bound, outFeatures, inFeatures)));
    this.bias = bias ? registerParameter("bias", Parameter.of(() -> Tensor.uniform(rng, -bound, bound, outFeatures))) : null;
  }

  /** Applies the layer to {@code x} of shape {@code [..., in]}. */
  public Tensor forward(Tensor x) {
    if (x.shape(-1) != inFeatures) {
      throw new IllegalArgumentException(
          "Linear '" + weight.name() + "': input has last dimension " + x.shape(-1) + ", expected " + inFeatures + " (weight [" + outFeatures + ", " + inFeatures + "])");
    }
    return F.linear(x, weight.tensor(), bias == null ? null : bias.tensor());
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null when built without one. */
  public Parameter bias() {
    return bias;
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }
}
