package jdistill.engine.optim;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend.AdamWHyper;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as torch's {@code AdamW}: per
 * parameter {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2}, {@code w -= lr (m/(1-b1^t)
 * / (sqrt(v/(1-b2^t)) + eps) + wd w)} with {@code t} the parameter's own step count, {@code lr}
 * the base rate times the group's scale and {@code wd} the group's decay. Runs the backend's fused
 * {@code adamw} primitive. Moments are F32 (F64 for F64 parameters); BF16/F16 parameters get an
 * F32 master copy that the update works on when {@link Config#masterWeights()} is set.
 */
public final class AdamW extends SlotOptimizer {

  /** Hyper-parameters shared by all groups (decay lives in the groups). */
  public record Config(double lr, double beta1, double beta2, double eps, boolean masterWeights) {

    public Config {
      if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW beta1 must be in [0, 1), got " + beta1);
      if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW beta2 must be in [0, 1), got " + beta2);
      if (!(eps >= 0)) throw new IllegalArgumentException("AdamW eps must be >= 0, got " + eps);
    }

    /** torch's defaults (betas 0.9, 0.999; eps 1e-8) at rate {@code lr}, with master weights. */
    public static Config of(double lr) {
      return new Config(lr, 0.9, 0.999, 1e-8, true);
    }
  }

  private static final String M = "exp_avg";
  private static final String V = "exp_avg_sq";
  private static final String MASTER = "master";

  private final Config config;

  public AdamW(List<ParamGroup> groups, Config config) {
    super(groups, config.lr());
    this.config = config;
  }

  public Config config() {
    return config;
  }

  @Override
  List<String> kindsFor(Slot slot) {
    return needsMaster(slot) ? List.of(M, V, MASTER) : List.of(M, V);
  }

  @Override
  DType stateType(Slot slot, String kind) {
    return slot.param.dtype() == DType.F64 ? DType.F64 : DType.F32;
  }

  private boolean needsMaster(Slot slot) {
    DType dt = slot.param.dtype();
    return config.masterWeights() && (dt == DType.BF16 || dt == DType.F16);
  }

  @Override
  void update(Slot slot, double lr, double gradScale) {
    Tensor w = slot.param.tensor();
    Tensor m = slot.tensors.get(M);
    if (m == null) {
      m = newState(slot, M);
      newState(slot, V);
      if (needsMaster(slot)) newState(slot, MASTER).backend().copy(w.detach(), slot.tensors.get(MASTER));
    }
    Tensor grad = slot.param.grad().contiguous();
    AdamWHyper h = new AdamWHyper(lr, config.beta1(), config.beta2(), config.eps(), slot.group.weightDecay(), slot.step, gradScale);
    w.backend().adamw(w, grad, m, slot.tensors.get(V), slot.tensors.get(MASTER), h);
  }
}
