package jdistill.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;

/**
 * Base of every neural-network building block: registers parameters and child modules by name, in
 * order, and derives from them the hierarchical names PyTorch and Hugging Face use ({@code
 * h.3.attn.c_attn.weight}), the state dict, the train/eval flag and device or dtype moves.
 * Subclasses register in their constructor and add their own {@code forward} method.
 */
public abstract class Module {

  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private Module parent;
  private String nameInParent;
  private boolean training = true;

  // ---- registration ---------------------------------------------------------------------------

  /** Registers {@code p} under {@code name} (no dots; unique in this module); returns it. */
  protected final Parameter registerParameter(String name, Parameter p) {
    checkName(name);
    if (p == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name + "' is null (leave an absent parameter unregistered)");
    parameters.put(name, p);
    p.adopt(this, name);
    p.refreshName();
    return p;
  }

  /** Registers {@code child} under {@code name} (no dots; unique in this module); returns it. */
  protected final <M extends Module> M registerModule(String name, M child) {
    checkName(name);
    if (child == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' is null");
    for (Module m = this; m != null; m = m.parent) {
      if (m == child) throw new IllegalArgumentException(getClass().getSimpleName() + ": registering '" + name + "' would make a cycle");
    }
    Module c = child;
    children.put(name, c);
    if (c.parent == null) {
      c.parent = this;
      c.nameInParent = name;
    }
    c.refreshNames();
    return child;
  }

  private void checkName(String name) {
    if (name == null || name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name + "' (must be non-empty without dots)");
    }
    if (parameters.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
    }
  }

  /** "a.b." for a module registered as b in a registered as a; "" for a root. */
  String pathPrefix() {
    if (parent == null) return "";
    return parent.pathPrefix() + nameInParent + ".";
  }

  private void refreshNames() {
    for (Parameter p : parameters.values()) {
      if (p.ownedBy(this)) p.refreshName();
    }
    for (Module c : children.values()) {
      if (c.parent == this) c.refreshNames();
    }
  }

  // ---- traversal ------------------------------------------------------------------------------

  /**
   * Parameters by hierarchical name: this module's own in registration order, then each child's
   * (recursively) in registration order. A parameter registered twice (tied weights) appears once,
   * under its first name, as torch's {@code named_parameters()}.
   */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    visit("", (name, p) -> {
      if (seen.add(p)) out.put(name, p);
    });
    return Collections.unmodifiableMap(out);
  }

  /** The parameters of {@link #namedParameters()} in the same order. */
  public final List<Parameter> parameters() {
    return List.copyOf(namedParameters().values());
  }

  /** Direct children by name, in registration order. */
  public final Map<String, Module> namedChildren() {
    return Collections.unmodifiableMap(children);
  }

  /** Total number of elements over all (distinct) parameters. */
  public final long numParameters() {
    long n = 0;
    for (Parameter p : namedParameters().values()) n += p.numel();
    return n;
  }

  private void visit(String prefix, BiConsumer<String, Parameter> sink) {
    for (var e : parameters.entrySet()) sink.accept(prefix + e.getKey(), e.getValue());
    for (var e : children.entrySet()) e.getValue().visit(prefix + e.getKey() + ".", sink);
  }

  // ---- mode -----------------------------------------------------------------------------------

  /** True in training mode (the default); dropout is active only then. */
  public final boolean isTraining() {
    return training;
  }

  /** Sets training mode on this module and all descendants; returns this. */
  public Module train(boolean on) {
    training = on;
    for (Module c : children.values()) c.train(on);
    return this;
  }

  /** Same as {@code train(true)}. */
  public final Module train() {
    return train(true);
  }

  /** Same as {@code train(false)}. */
  public final Module eval() {
    return train(false);
  }

  /** Releases the gradient of every parameter. */
  public final void zeroGrad() {
    for (Parameter p : parameters()) p.zeroGrad();
  }

  /** Moves every parameter to {@code device}; returns this. */
  public Module to(Device device) {
    for (Parameter p : parameters()) p.moveTo(device);
    return this;
  }

  /** Converts every parameter to the floating {@code dtype}; returns this. */
  public Module to(DType dtype) {
    for (Parameter p : parameters()) p.castTo(dtype);
    return this;
  }

  // ---- state dict -----------------------------------------------------------------------------

  /**
   * Every parameter by hierarchical name (detached views sharing the parameters' storage). Unlike
   * {@link #namedParameters()} a tied parameter appears under each of its names, as in torch.
   */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    visit("", (name, p) -> out.put(name, p.tensor().detach()));
    return out;
  }

  /**
   * Copies values from {@code state} into the parameters of the same names (converting dtype and
   * device). Shapes must match. With {@code strict} a missing or unexpected name is an error;
   * otherwise they are reported in the result. Nothing is copied when an error is thrown.
   */
  public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
    Map<String, Parameter> expected = new LinkedHashMap<>();
    visit("", expected::put);
    List<String> missing = new ArrayList<>();
    List<String> missingShown = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (var e : expected.entrySet()) {
      Tensor t = state.get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
        missingShown.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()));
      } else if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        mismatched.add(e.getKey() + ": checkpoint has " + Arrays.toString(t.shape()) + ", model expects " + Arrays.toString(e.getValue().shape()));
      }
    }
    List<String> unexpected = new ArrayList<>();
    List<String> unexpectedShown = new ArrayList<>();
    for (var e : state.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        unexpected.add(e.getKey());
        unexpectedShown.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()));
      }
    }
    if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
      StringBuilder sb = new StringBuilder("error loading the state dict of ").append(getClass().getSimpleName()).append(':');
      appendList(sb, "size mismatch", mismatched);
      if (strict) {
        appendList(sb, "missing tensors (name and expected shape)", missingShown);
        appendList(sb, "unexpected tensors (name and shape)", unexpectedShown);
      }
      throw new IllegalArgumentException(sb.toString());
    }
    for (var e : expected.entrySet()) {
      Tensor t = state.get(e.getKey());
      if (t != null) e.getValue().copyFrom(t);
    }
    return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
  }

  private static void appendList(StringBuilder sb, String title, List<String> items) {
    if (items.isEmpty()) return;
    sb.append("\n  ").append(title).append(" (").append(items.size()).append("):");
    int shown = Math.min(items.size(), 20);
    for (int i = 0; i < shown; i++) sb.append("\n    ").append(items.get(i));
    if (items.size() > shown) sb.append("\n    ... and ").append(items.size() - shown).append(" more");
  }

  /** Names a non-strict {@link #loadStateDict} skipped: parameters not in the state, state entries not in the model. */
  public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + numParameters() + " parameters)";
  }
}
