package jdistill.engine.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of child modules named "0", "1", ... as torch's {@code nn.ModuleList}, so a
 * stack of blocks registered as {@code h} yields parameter names like {@code h.3.attn.c_attn.weight}.
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {

  private final List<M> items = new ArrayList<>();

  public ModuleList() {}

  public ModuleList(List<? extends M> modules) {
    for (M m : modules) add(m);
  }

  /** Appends {@code module} under the next index; returns it. */
  public M add(M module) {
    registerModule(Integer.toString(items.size()), module);
    items.add(module);
    return module;
  }

  public M get(int index) {
    if (index < 0 || index >= items.size()) {
      throw new IndexOutOfBoundsException("ModuleList index " + index + " out of range for " + items.size() + " modules");
    }
    return items.get(index);
  }

  public int size() {
    return items.size();
  }

  /** The modules in index order (read-only). */
  public List<M> asList() {
    return Collections.unmodifiableList(items);
  }

  @Override
  public Iterator<M> iterator() {
    return asList().iterator();
  }
}
