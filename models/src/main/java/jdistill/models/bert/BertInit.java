package jdistill.models.bert;

import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Linear;

/** BERT's initialisation: Linear weights N(0, 0.02), biases zero. */
final class BertInit {

  static final double STD = 0.02;

  private BertInit() {}

  static Linear linear(int in, int out, Rng rng) {
    Linear l = new Linear(in, out, true, rng);
    l.weight().copyFrom(Tensor.randn(rng, STD, out, in));
    l.bias().copyFrom(Tensor.zeros(out));
    return l;
  }
}
