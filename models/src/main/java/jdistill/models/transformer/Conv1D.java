package jdistill.models.transformer;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;

/**
 * GPT-2's "Conv1D": a linear layer whose weight is stored [in, out] (the transpose of
 * {@code Linear}), so that checkpoints keep Hugging Face's exact shapes. {@code y = x W + b}.
 */
public final class Conv1D extends Module {

  private final Parameter weight;
  private final Parameter bias;

  /** Weights N(0, std), bias zeros (GPT-2's initialisation). */
  public Conv1D(int in, int out, double std, Rng rng) {
    weight = registerParameter("weight", Parameter.of(() -> Tensor.randn(rng, std, in, out)));
    bias = registerParameter("bias", Parameter.of(() -> Tensor.zeros(out)));
  }

  public Tensor forward(Tensor x) {
    return x.matmul(weight.tensor()).add(bias.tensor());
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }
}
