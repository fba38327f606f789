package jdistill.engine.optim;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;

/**
 * Parameters that share optimizer settings: a multiplier on the optimizer's learning rate and an
 * absolute (decoupled) weight decay, so biases and norm scales can skip decay.
 */
public record ParamGroup(String name, List<Parameter> params, double lrScale, double weightDecay) {

  public ParamGroup {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("a parameter group needs a name");
    params = List.copyOf(params);
    if (!(lrScale >= 0) || Double.isInfinite(lrScale)) throw new IllegalArgumentException("group '" + name + "': lrScale must be finite and >= 0, got " + lrScale);
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("group '" + name + "': weightDecay must be finite and >= 0, got " + weightDecay);
  }

  /** One group "all" with lr scale 1. */
  public static List<ParamGroup> single(List<Parameter> params, double weightDecay) {
    return List.of(new ParamGroup("all", params, 1.0, weightDecay));
  }

  /**
   * The usual split: matrices and embeddings (rank >= 2) decay by {@code weightDecay}; biases and
   * norm scales (rank < 2) do not. Groups "decay" and "no_decay", lr scale 1; empty groups omitted.
   */
  public static List<ParamGroup> decayMatricesOnly(Module model, double weightDecay) {
    List<Parameter> decay = new ArrayList<>();
    List<Parameter> noDecay = new ArrayList<>();
    for (Parameter p : model.parameters()) (p.shape().length >= 2 ? decay : noDecay).add(p);
    List<ParamGroup> groups = new ArrayList<>();
    if (!decay.isEmpty()) groups.add(new ParamGroup("decay", decay, 1.0, weightDecay));
    if (!noDecay.isEmpty()) groups.add(new ParamGroup("no_decay", noDecay, 1.0, 0.0));
    return List.copyOf(groups);
  }
}
