package jdistill.distill.method.builtin;

import java.util.List;

/**
 * The few layer mappings the built-in methods need (0-based indices): which teacher layer each
 * student layer learns from. Kept small and local to this package so that a general mapping
 * package can replace it.
 */
final class LayerMap {

  private LayerMap() {}

  /**
   * TinyBERT's uniform map over all student layers: student {@code i <- round((i+1) Lt / Ls) - 1},
   * so the last student layer learns from the last teacher layer (12 -> 4: 2, 5, 8, 11).
   */
  static int[] uniform(int studentLayers, int teacherLayers) {
    check(studentLayers, teacherLayers);
    int[] map = new int[studentLayers];
    for (int i = 0; i < studentLayers; i++) {
      map[i] = (int) Math.round((i + 1) * (double) teacherLayers / studentLayers) - 1;
    }
    return map;
  }

  /**
   * PKD-Skip over the student's layers but its last (the last is left to the soft loss): student
   * {@code i <- (i+1) k - 1} with {@code k = Lt / Ls} (12 -> 6: 1, 3, 5, 7, 9, i.e. teacher layers
   * 2, 4, 6, 8, 10 counted from 1).
   */
  static int[] skip(int studentLayers, int teacherLayers) {
    check(studentLayers, teacherLayers);
    int k = teacherLayers / studentLayers;
    int[] map = new int[studentLayers - 1];
    for (int i = 0; i < map.length; i++) map[i] = (i + 1) * k - 1;
    return map;
  }

  /**
   * PKD-Last over the student's layers but its last: the teacher's last {@code Ls - 1} layers
   * before its final one (12 -> 6: 6, 7, 8, 9, 10).
   */
  static int[] last(int studentLayers, int teacherLayers) {
    check(studentLayers, teacherLayers);
    int[] map = new int[studentLayers - 1];
    for (int i = 0; i < map.length; i++) map[i] = teacherLayers - studentLayers + i;
    return map;
  }

  /**
   * An explicit list of {@code count} teacher layers, one per student layer in order; {@code what}
   * names the option in errors.
   */
  static int[] explicit(List<Integer> teacherLayers, int count, int teacherDepth, String what) {
    if (teacherLayers.size() != count) {
      throw new IllegalArgumentException(what + ": expected " + count + " teacher layers (one per mapped student layer), got " + teacherLayers.size() + ": " + teacherLayers);
    }
    int[] map = new int[count];
    for (int i = 0; i < count; i++) {
      Integer t = teacherLayers.get(i);
      if (t == null || t < 0 || t >= teacherDepth) {
        throw new IllegalArgumentException(what + ": teacher layer " + t + " is out of range: the teacher has " + teacherDepth + " layers (0.." + (teacherDepth - 1) + ")");
      }
      map[i] = t;
    }
    return map;
  }

  /** A layer index where negative values count from the end (-1 = last). */
  static int resolve(int layer, int depth, String what) {
    int l = layer < 0 ? depth + layer : layer;
    if (l < 0 || l >= depth) throw new IllegalArgumentException(what + ": layer " + layer + " is out of range for a model with " + depth + " layers");
    return l;
  }

  private static void check(int studentLayers, int teacherLayers) {
    if (studentLayers <= 0 || teacherLayers <= 0) throw new IllegalArgumentException("layer counts must be positive, got student " + studentLayers + ", teacher " + teacherLayers);
    if (studentLayers > teacherLayers) {
      throw new IllegalArgumentException("cannot map " + studentLayers + " student layers onto a teacher with only " + teacherLayers + " layers; give an explicit map");
    }
  }
}
