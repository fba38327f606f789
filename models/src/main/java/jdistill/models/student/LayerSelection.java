package jdistill.models.student;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Rules that choose which teacher layers a shallower student starts from. */
public final class LayerSelection {

  private LayerSelection() {}

  /** Layers 0..k-1. */
  public static List<Integer> first(int k, int teacherLayers) {
    check(k, teacherLayers);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < k; i++) out.add(i);
    return out;
  }

  /** Layers 0, 2, 4, ... (DistilBERT's rule): ceil(n / 2) layers. */
  public static List<Integer> everyOther(int teacherLayers) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < teacherLayers; i += 2) out.add(i);
    return out;
  }

  /**
   * k layers spread evenly from the first to the last: round(i (n - 1) / (k - 1)); 6 of 12 gives
   * [0, 2, 4, 7, 9, 11]. One layer gives [0].
   */
  public static List<Integer> uniform(int k, int teacherLayers) {
    check(k, teacherLayers);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < k; i++) out.add(k == 1 ? 0 : (int) Math.round(i * (teacherLayers - 1) / (double) (k - 1)));
    return out;
  }

  /** Checks an explicit list: non-empty, distinct, each in [0, teacherLayers). */
  public static List<Integer> validate(List<Integer> layers, int teacherLayers) {
    if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("the student needs at least one layer");
    Set<Integer> seen = new HashSet<>();
    for (Integer l : layers) {
      if (l == null || l < 0 || l >= teacherLayers) {
        throw new IllegalArgumentException("teacher layer " + l + " is out of range: the teacher has " + teacherLayers + " layers (0.." + (teacherLayers - 1) + ")");
      }
      if (!seen.add(l)) throw new IllegalArgumentException("teacher layer " + l + " is listed twice in " + layers);
    }
    return List.copyOf(layers);
  }

  private static void check(int k, int n) {
    if (k <= 0 || k > n) throw new IllegalArgumentException("cannot choose " + k + " of the teacher's " + n + " layers");
  }
}
