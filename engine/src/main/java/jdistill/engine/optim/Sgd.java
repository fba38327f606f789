package jdistill.engine.optim;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;

/**
 * Stochastic gradient descent with momentum, as torch's {@code SGD}: {@code g += wd w}; with
 * momentum {@code buf = g} on the first step, then {@code buf = mu buf + (1-dampening) g}; {@code
 * g = nesterov ? g + mu buf : buf}; {@code w -= lr g}. Weight decay here is L2 (coupled), per group.
 */
public final class Sgd extends SlotOptimizer {

  /** Hyper-parameters shared by all groups (decay lives in the groups). */
  public record Config(double lr, double momentum, double dampening, boolean nesterov) {

    public Config {
      if (!(momentum >= 0)) throw new IllegalArgumentException("SGD momentum must be >= 0, got " + momentum);
      if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("SGD dampening must be in [0, 1], got " + dampening);
      if (nesterov && (momentum == 0 || dampening != 0)) {
        throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
      }
    }
  }

  private static final String BUF = "momentum_buffer";

  private final Config config;

  public Sgd(List<ParamGroup> groups, Config config) {
    super(groups, config.lr());
    this.config = config;
  }

  public Config config() {
    return config;
  }

  @Override
  List<String> kindsFor(Slot slot) {
    return config.momentum() == 0 ? List.of() : List.of(BUF);
  }

  @Override
  DType stateType(Slot slot, String kind) {
    return slot.param.dtype();
  }

  @Override
  void update(Slot slot, double lr, double gradScale) {
    Tensor w = slot.param.tensor().detach();
    Tensor g = slot.param.grad().detach();
    if (gradScale != 1) g = g.mul(gradScale);
    double wd = slot.group.weightDecay();
    if (wd != 0) g = g.add(w.mul(wd));
    double mu = config.momentum();
    if (mu != 0) {
      Tensor buf = slot.tensors.get(BUF);
      if (buf == null) {
        Tensor first = g;
        buf = Scope.detached(first::copy);
        slot.tensors.put(BUF, buf);
      } else {
        w.backend().copy(buf.mul(mu).add(g.mul(1 - config.dampening())), buf);
      }
      g = config.nesterov() ? g.add(buf.mul(mu)) : buf;
    }
    w.backend().copy(w.sub(g.mul(lr)), w);
  }
}
