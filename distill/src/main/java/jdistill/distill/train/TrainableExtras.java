package jdistill.distill.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.nn.Module;

/**
 * The methods' trainable extras (projections) gathered under one root module, each under its
 * method's name ({@code kd}, {@code pkd_2} for a second pkd), so that their parameters have
 * distinct names in the optimizer and in checkpoints ({@code pkd.proj.0.weight}).
 */
public final class TrainableExtras extends Module {

  private final Map<String, Module> byMethod = new LinkedHashMap<>();

  /** Registers the non-null extras of {@code methods}, in order. */
  public TrainableExtras(List<WeightedMethod> methods) {
    for (WeightedMethod wm : methods) {
      Module extras = wm.method().extras();
      if (extras == null) continue;
      String base = wm.method().name().replaceAll("[^A-Za-z0-9_-]", "_");
      String name = base;
      for (int i = 2; byMethod.containsKey(name); i++) name = base + "_" + i;
      byMethod.put(name, registerModule(name, extras));
    }
  }

  /** True when no method has extras. */
  public boolean isEmpty() {
    return byMethod.isEmpty();
  }
}
