package jdistill.models.transformer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdistill.engine.Tensor;

/**
 * Records the taps a forward pass was asked for, and only those: a model calls {@link #offer}
 * at each internal point, and the recorder keeps the tensor when it was requested (layer -1
 * requests a per-layer tap at every layer).
 */
public final class TapRecorder {

  /** A requested point: a tap and, for per-layer taps, a layer index (-1 for all layers). */
  public record Request(Tap tap, int layer) {}

  private final Set<Request> requests = new HashSet<>();
  private final Map<Request, Tensor> recorded = new HashMap<>();

  /** A recorder that keeps nothing (the default for plain inference). */
  public static TapRecorder none() {
    return new TapRecorder();
  }

  /** Asks for {@code tap} at {@code layer} (ignored for global taps; -1 = every layer). */
  public TapRecorder request(Tap tap, int layer) {
    requests.add(new Request(tap, tap.perLayer() ? layer : 0));
    return this;
  }

  /** Asks for a global tap. */
  public TapRecorder request(Tap tap) {
    return request(tap, 0);
  }

  /** True when the model should compute and offer this point. */
  public boolean wants(Tap tap, int layer) {
    if (requests.isEmpty()) return false;
    int l = tap.perLayer() ? layer : 0;
    return requests.contains(new Request(tap, l)) || tap.perLayer() && requests.contains(new Request(tap, -1));
  }

  /** Keeps {@code value} if requested; returns it unchanged. */
  public Tensor offer(Tap tap, int layer, Tensor value) {
    if (wants(tap, layer)) recorded.put(new Request(tap, tap.perLayer() ? layer : 0), value);
    return value;
  }

  /** Replaces every recorded tensor by {@code convert} of it (a dtype cast for mixed precision). */
  public void convertRecorded(java.util.function.UnaryOperator<Tensor> convert) {
    recorded.replaceAll((request, value) -> convert.apply(value));
  }

  /** The recorded tensor, or an error naming what was recorded. */
  public Tensor get(Tap tap, int layer) {
    Tensor t = recorded.get(new Request(tap, tap.perLayer() ? layer : 0));
    if (t == null) {
      throw new IllegalStateException("tap " + tap.configName() + (tap.perLayer() ? "[" + layer + "]" : "") + " was not recorded; recorded: " + recorded.keySet());
    }
    return t;
  }

  public Tensor get(Tap tap) {
    return get(tap, 0);
  }

  /** True when the point was recorded. */
  public boolean has(Tap tap, int layer) {
    return recorded.containsKey(new Request(tap, tap.perLayer() ? layer : 0));
  }

  /** Forgets recorded tensors (requests stay). */
  public void clear() {
    recorded.clear();
  }
}
