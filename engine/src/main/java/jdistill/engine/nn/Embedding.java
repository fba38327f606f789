package jdistill.engine.nn;

import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;

/** A lookup table {@code [num, dim]} of learnt vectors indexed by integer ids (torch's {@code nn.Embedding}). */
public final class Embedding extends Module {

  private final int num;
  private final int dim;
  private final Parameter weight;

  /** Initialised N(0, std^2) from {@code rng}. */
  public Embedding(int num, int dim, double std, Rng rng) {
    if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding needs positive sizes, got num=" + num + " dim=" + dim);
    this.num = num;
    this.dim = dim;
    this.weight = registerParameter("weight", Parameter.of(() -> Tensor.randn(rng, std, num, dim)));
  }

  /** Initialised N(0, 1) as torch does. */
  public Embedding(int num, int dim, Rng rng) {
    this(num, dim, 1.0, rng);
  }

  /** Vectors for {@code ids} (I32 or I64, any shape): result {@code ids.shape + [dim]}. */
  public Tensor forward(Tensor ids) {
    return F.embedding(weight.tensor(), ids);
  }

  public Parameter weight() {
    return weight;
  }

  public int num() {
    return num;
  }

  public int dim() {
    return dim;
  }
}
