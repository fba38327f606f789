package jdistill.models.generate;

import java.util.Arrays;
import jdistill.engine.Rng;

/** Chooses the next token from one row of logits under a {@link GenerationConfig}. */
final class Sampling {

  private Sampling() {}

  /** {@code seen}[0..len) with {@code mask} 1 are the tokens the repetition penalty applies to. */
  static long choose(float[] logits, long[] seen, int len, long[] mask, GenerationConfig cfg, Rng rng) {
    double[] l = new double[logits.length];
    for (int i = 0; i < l.length; i++) l[i] = logits[i];
    if (cfg.repetitionPenalty() != 1) {
      boolean[] hit = new boolean[l.length];
      for (int j = 0; j < len; j++) if (mask[j] != 0 && seen[j] >= 0 && seen[j] < l.length) hit[(int) seen[j]] = true;
      for (int i = 0; i < l.length; i++) if (hit[i]) l[i] = l[i] > 0 ? l[i] / cfg.repetitionPenalty() : l[i] * cfg.repetitionPenalty();
    }
    if (cfg.temperature() == 0) {
      int best = 0;
      for (int i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
      return best;
    }
    Integer[] order = new Integer[l.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(l[b], l[a]));
    int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), l.length) : l.length;
    double max = l[order[0]];
    double[] p = new double[keep];
    double sum = 0;
    for (int r = 0; r < keep; r++) {
      p[r] = Math.exp((l[order[r]] - max) / cfg.temperature());
      sum += p[r];
    }
    if (cfg.topP() < 1) {
      double cum = 0;
      int cut = keep;
      for (int r = 0; r < keep; r++) {
        cum += p[r] / sum;
        if (cum >= cfg.topP()) {
          cut = r + 1;
          break;
        }
      }
      keep = cut;
      sum = 0;
      for (int r = 0; r < keep; r++) sum += p[r];
    }
    double u = rng.nextDouble() * sum;
    for (int r = 0; r < keep; r++) {
      u -= p[r];
      if (u < 0) return order[r];
    }
    return order[keep - 1];
  }
}
