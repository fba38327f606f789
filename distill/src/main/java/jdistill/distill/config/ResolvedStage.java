package jdistill.distill.config;

import java.util.List;

/** A stage with its methods validated and bound to their factories, ready for the trainer. */
public record ResolvedStage(Stage stage, List<MethodUse> methods) {

  public ResolvedStage {
    methods = List.copyOf(methods);
  }

  /** The stage's name. */
  public String name() {
    return stage.name();
  }
}
