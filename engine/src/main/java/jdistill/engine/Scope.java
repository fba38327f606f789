package jdistill.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.backend.Storage;

/**
 * Owns the storage of every tensor created while it is the innermost open scope on its thread and
 * releases it when closed: {@code try (var step = Scope.open()) {...}}. Device memory is freed
 * deterministically this way (the garbage collector does not see it). A result that must outlive
 * the scope is handed to the enclosing scope with {@link #keep(Tensor)}; tensors created with no
 * scope open (parameters, optimizer state) are owned by nobody and live until released by hand.
 */
public final class Scope implements AutoCloseable {

  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private final Scope parent;
  private final Map<Storage, Boolean> owned = new IdentityHashMap<>();
  private boolean closed;

  private Scope(Scope parent) {
    this.parent = parent;
  }

  /** Opens a scope nested in the current one (if any) and makes it current. */
  public static Scope open() {
    Scope s = new Scope(CURRENT.get());
    CURRENT.set(s);
    return s;
  }

  /** The innermost open scope on this thread, or null. */
  public static Scope current() {
    return CURRENT.get();
  }

  /**
   * Runs {@code body} with no scope current, so what it creates is owned by nobody (for
   * long-lived state created inside a step: parameter gradients, optimizer moments).
   */
  public static <T> T detached(java.util.function.Supplier<T> body) {
    Scope saved = CURRENT.get();
    CURRENT.remove();
    try {
      return body.get();
    } finally {
      if (saved != null) CURRENT.set(saved);
    }
  }

  /** Registers a new storage with the current scope, if one is open. */
  static void adopt(Storage storage) {
    Scope s = CURRENT.get();
    if (s != null) s.owned.put(storage, Boolean.TRUE);
  }

  /**
   * Moves the tensor's storage out of this scope into the enclosing one (or to nobody when this is
   * the outermost), so it survives {@link #close()}. Returns the tensor.
   */
  public Tensor keep(Tensor t) {
    if (owned.remove(t.storage()) != null && parent != null) parent.owned.put(t.storage(), Boolean.TRUE);
    return t;
  }

  /** Number of storages this scope currently owns. */
  public int size() {
    return owned.size();
  }

  /** Releases every storage the scope owns and makes the enclosing scope current again. */
  @Override
  public void close() {
    if (closed) return;
    if (CURRENT.get() != this) {
      throw new IllegalStateException("scopes must be closed innermost first (try-with-resources does this)");
    }
    closed = true;
    CURRENT.set(parent);
    List<Storage> storages = new ArrayList<>(owned.keySet());
    owned.clear();
    for (Storage s : storages) s.release();
  }
}
