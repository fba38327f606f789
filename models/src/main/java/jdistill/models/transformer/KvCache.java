package jdistill.models.transformer;

import java.util.List;
import jdistill.engine.F;
import jdistill.engine.Tensor;

/**
 * Keys and values of earlier positions, per layer, for incremental decoding: each forward appends
 * the new positions' keys and values ([B, heads, S, head_dim]) and attends over all of them.
 */
public final class KvCache {

  private final Tensor[] keys;
  private final Tensor[] values;

  public KvCache(int layers) {
    keys = new Tensor[layers];
    values = new Tensor[layers];
  }

  /** Number of cached positions (0 when empty). */
  public int length() {
    return keys[0] == null ? 0 : keys[0].shape(2);
  }

  /** Appends {@code k}, {@code v} for {@code layer} and returns the full keys and values. */
  public Tensor[] append(int layer, Tensor k, Tensor v) {
    if (keys[layer] == null) {
      keys[layer] = k;
      values[layer] = v;
    } else {
      keys[layer] = F.cat(List.of(keys[layer], k), 2);
      values[layer] = F.cat(List.of(values[layer], v), 2);
    }
    return new Tensor[] {keys[layer], values[layer]};
  }
}
