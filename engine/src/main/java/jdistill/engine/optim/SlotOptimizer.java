package jdistill.engine.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdistill.engine.DType;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;

/**
 * The bookkeeping shared by the optimizers: one slot per parameter (its group, its state name,
 * its lazily created state tensors and its own step count), the learning rate, and the state
 * dict for checkpoints ({@code <param>.<kind>}, {@code <param>.step}, {@code step}).
 */
abstract class SlotOptimizer implements Optimizer {

  /** Per-parameter state. Tensors are created outside every scope and owned by the optimizer. */
  static final class Slot {
    final Parameter param;
    final ParamGroup group;
    final String name;
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    long step;

    Slot(Parameter param, ParamGroup group, String name) {
      this.param = param;
      this.group = group;
      this.name = name;
    }
  }

  private final List<ParamGroup> groups;
  final List<Slot> slots;
  private double lr;
  private long stepCount;

  SlotOptimizer(List<ParamGroup> groups, double lr) {
    if (groups.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
    checkLr(lr);
    this.groups = List.copyOf(groups);
    this.lr = lr;
    List<Slot> list = new ArrayList<>();
    Map<Parameter, String> seen = new IdentityHashMap<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (ParamGroup g : groups) {
      for (Parameter p : g.params()) {
        if (seen.containsKey(p)) {
          throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + p + " is in group '" + seen.get(p) + "' and again in group '" + g.name() + "'");
        }
        seen.put(p, g.name());
        String name = p.name() != null ? p.name() : "param" + index;
        if (!names.add(name)) throw new IllegalArgumentException(getClass().getSimpleName() + ": two parameters are named '" + name + "'");
        list.add(new Slot(p, g, name));
        index++;
      }
    }
    this.slots = List.copyOf(list);
  }

  /** The state kinds this optimizer keeps for {@code slot} once it has stepped. */
  abstract List<String> kindsFor(Slot slot);

  /** The dtype of state {@code kind} of {@code slot}. */
  abstract DType stateType(Slot slot, String kind);

  /** Updates one parameter that has a gradient; called inside a no-grad scope with the slot's step already counted. */
  abstract void update(Slot slot, double lr, double gradScale);

  @Override
  public final void step(double gradScale) {
    if (!Double.isFinite(gradScale)) throw new IllegalArgumentException(getClass().getSimpleName() + ".step: gradScale must be finite, got " + gradScale);
    stepCount++;
    try (var g = GradMode.noGrad(); var s = Scope.open()) {
      for (Slot slot : slots) {
        Tensor grad = slot.param.grad();
        if (grad == null) continue;
        Tensor w = slot.param.tensor();
        if (!grad.device().equals(w.device())) {
          throw new IllegalStateException("parameter '" + slot.name + "' is on " + w.device() + " but its gradient is on " + grad.device());
        }
        if (!w.isContiguous()) throw new IllegalStateException("parameter '" + slot.name + "' is not contiguous");
        slot.step++;
        update(slot, lr * slot.group.lrScale(), gradScale);
      }
    }
  }

  @Override
  public final void zeroGrad() {
    for (Slot slot : slots) slot.param.zeroGrad();
  }

  @Override
  public final long stepCount() {
    return stepCount;
  }

  @Override
  public final double lr() {
    return lr;
  }

  @Override
  public final void setLr(double lr) {
    checkLr(lr);
    this.lr = lr;
  }

  private static void checkLr(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
  }

  @Override
  public final List<ParamGroup> groups() {
    return groups;
  }

  @Override
  public final Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("step", Scope.detached(() -> Tensor.ofLongs(new long[] {stepCount}, 1)));
    for (Slot slot : slots) {
      if (slot.tensors.isEmpty()) continue;
      long st = slot.step;
      out.put(slot.name + ".step", Scope.detached(() -> Tensor.ofLongs(new long[] {st}, 1)));
      for (var e : slot.tensors.entrySet()) out.put(slot.name + "." + e.getKey(), e.getValue().detach());
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public final void loadState(Map<String, Tensor> state) {
    String who = getClass().getSimpleName() + ".loadState: ";
    Set<String> unused = new HashSet<>(state.keySet());
    Tensor stepT = state.get("step");
    if (stepT == null) throw new IllegalArgumentException(who + "the state has no 'step' entry");
    unused.remove("step");
    long newStepCount = count(stepT, "step");
    Map<Slot, Long> newSteps = new HashMap<>();
    for (Slot slot : slots) {
      List<String> kinds = kindsFor(slot);
      List<String> present = new ArrayList<>();
      for (String k : kinds) if (state.containsKey(slot.name + "." + k)) present.add(k);
      Tensor st = state.get(slot.name + ".step");
      if (present.isEmpty() && st == null) continue;
      if (present.size() != kinds.size() || st == null) {
        throw new IllegalArgumentException(who + "parameter '" + slot.name + "' needs " + kinds + " and 'step', the state has " + present + (st == null ? " without 'step'" : " and 'step'"));
      }
      for (String k : kinds) {
        Tensor t = state.get(slot.name + "." + k);
        if (!Arrays.equals(t.shape(), slot.param.shape())) {
          throw new IllegalArgumentException(who + "'" + slot.name + "." + k + "' has shape " + Arrays.toString(t.shape()) + ", the parameter has " + Arrays.toString(slot.param.shape()));
        }
        unused.remove(slot.name + "." + k);
      }
      unused.remove(slot.name + ".step");
      newSteps.put(slot, count(st, slot.name + ".step"));
    }
    if (!unused.isEmpty()) {
      List<String> sorted = new ArrayList<>(unused);
      Collections.sort(sorted);
      throw new IllegalArgumentException(who + "entries that match no parameter of this optimizer: " + sorted);
    }
    for (Slot slot : slots) {
      releaseState(slot);
      Long st = newSteps.get(slot);
      slot.step = st == null ? 0 : st;
      if (st == null) continue;
      for (String k : kindsFor(slot)) {
        Tensor src = state.get(slot.name + "." + k);
        DType dt = stateType(slot, k);
        Tensor copy;
        try (var g = GradMode.noGrad()) {
          copy = Scope.detached(() -> src.detach().to(slot.param.device()).to(dt).copy());
        }
        slot.tensors.put(k, copy);
      }
    }
    stepCount = newStepCount;
  }

  private long count(Tensor t, String key) {
    if (t.numel() != 1) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: '" + key + "' must hold one number, has shape " + Arrays.toString(t.shape()));
    }
    return t.reshape(1).toLongArray()[0]; // via [1]: the CPU cannot yet convert rank-0 tensors
  }

  /** Creates a zero-filled state tensor for {@code slot} that outlives every scope. */
  final Tensor newState(Slot slot, String kind) {
    Tensor t = Scope.detached(() -> Tensor.zeros(stateType(slot, kind), slot.param.device(), slot.param.shape()));
    slot.tensors.put(kind, t);
    return t;
  }

  private static void releaseState(Slot slot) {
    for (Tensor t : slot.tensors.values()) t.storage().release();
    slot.tensors.clear();
  }
}
