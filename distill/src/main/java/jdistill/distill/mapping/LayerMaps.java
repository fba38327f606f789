package jdistill.distill.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdistill.engine.Rng;

/**
 * The layer mapping strategies. All indices are 0-based; "intermediate" student layers are all
 * but the last, which PKD and RAIL-KD leave to the logit loss unless {@code includeLast} is set.
 */
public final class LayerMaps {

  private LayerMaps() {}

  /**
   * Uniform (TinyBERT): every student layer i learns from teacher layer round((i+1) * Lt / Ls) - 1,
   * so the last student layer learns from the last teacher layer (12 -> 6: 1, 3, 5, 7, 9, 11).
   */
  public static LayerMap uniform(int studentLayers, int teacherLayers) {
    checkCounts(studentLayers, teacherLayers);
    List<LayerMap.Pair> pairs = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) {
      int t = (int) Math.round((double) (s + 1) * teacherLayers / studentLayers) - 1;
      pairs.add(new LayerMap.Pair(s, Math.max(0, t)));
    }
    return LayerMap.ofPairs(studentLayers, teacherLayers, pairs);
  }

  /**
   * Skip (PKD-skip): intermediate student layer i learns from teacher layer (i+1) * k - 1, and with
   * {@code includeLast} the last student layer from the last teacher layer. PKD's 12 -> 6 with
   * k = 2: student 0..4 from teacher 1, 3, 5, 7, 9.
   *
   * @param k the stride; 0 or less picks Lt / Ls
   */
  public static LayerMap skip(int studentLayers, int teacherLayers, int k, boolean includeLast) {
    checkCounts(studentLayers, teacherLayers);
    int stride = k > 0 ? k : Math.max(1, teacherLayers / studentLayers);
    List<LayerMap.Pair> pairs = new ArrayList<>();
    for (int s = 0; s < studentLayers - 1; s++) {
      int t = (s + 1) * stride - 1;
      if (t >= teacherLayers) {
        throw new IllegalArgumentException("layer map: skip with k=" + stride + " maps student layer " + s + " to teacher layer " + t
            + ", out of range for a " + teacherLayers + "-layer teacher (0.." + (teacherLayers - 1) + "); use a smaller k");
      }
      pairs.add(new LayerMap.Pair(s, t));
    }
    if (includeLast) pairs.add(new LayerMap.Pair(studentLayers - 1, teacherLayers - 1));
    return LayerMap.ofPairs(studentLayers, teacherLayers, pairs);
  }

  /**
   * Last-k (PKD-last): the student's last {@code k} intermediate layers learn, in order, from the
   * teacher's last {@code k} intermediate layers (12 -> 6, k = 5: student 0..4 from teacher
   * 6..10); with {@code includeLast} the last student layer also learns from the last teacher layer.
   *
   * @param k pairs of intermediate layers; 0 or less picks Ls - 1 (every intermediate student layer)
   */
  public static LayerMap last(int studentLayers, int teacherLayers, int k, boolean includeLast) {
    checkCounts(studentLayers, teacherLayers);
    int n = k > 0 ? k : studentLayers - 1;
    if (n > studentLayers - 1) {
      throw new IllegalArgumentException("layer map: last-k with k=" + n + " needs more than " + n + " student layers, the student has " + studentLayers);
    }
    if (n > teacherLayers - 1) {
      throw new IllegalArgumentException("layer map: last-k with k=" + n + " needs more than " + n + " teacher layers, the teacher has " + teacherLayers);
    }
    List<LayerMap.Pair> pairs = new ArrayList<>();
    for (int j = 0; j < n; j++) pairs.add(new LayerMap.Pair(studentLayers - 1 - n + j, teacherLayers - 1 - n + j));
    if (includeLast) pairs.add(new LayerMap.Pair(studentLayers - 1, teacherLayers - 1));
    return LayerMap.ofPairs(studentLayers, teacherLayers, pairs);
  }

  /**
   * Explicit: {@code layers.get(j)} are the teacher layers of student layer {@code students.get(j)};
   * with {@code students} null, entry j belongs to student layer j and there must be one entry per
   * student layer. An empty entry leaves that student layer unmapped.
   */
  public static LayerMap explicit(int studentLayers, int teacherLayers, List<List<Integer>> layers, List<Integer> students) {
    checkCounts(studentLayers, teacherLayers);
    if (students == null && layers.size() != studentLayers) {
      throw new IllegalArgumentException("layer map: explicit list has " + layers.size() + " entries for a " + studentLayers
          + "-layer student; give one teacher layer per student layer, or name the student layers with 'student'");
    }
    if (students != null && students.size() != layers.size()) {
      throw new IllegalArgumentException("layer map: 'student' names " + students.size() + " layers but 'layers' has " + layers.size() + " entries");
    }
    List<List<Integer>> ts = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) ts.add(List.of());
    for (int j = 0; j < layers.size(); j++) {
      int s = students == null ? j : students.get(j);
      LayerMap.checkStudent(s, studentLayers);
      if (students != null && !ts.get(s).isEmpty()) throw new IllegalArgumentException("layer map: student layer " + s + " is named twice");
      ts.set(s, layers.get(j));
    }
    return new LayerMap(studentLayers, teacherLayers, ts);
  }

  /** All: every student layer learns from a mix of all teacher layers (ALP-KD, Universal-KD). */
  public static LayerMap all(int studentLayers, int teacherLayers) {
    checkCounts(studentLayers, teacherLayers);
    List<Integer> every = new ArrayList<>();
    for (int t = 0; t < teacherLayers; t++) every.add(t);
    List<List<Integer>> ts = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) ts.add(every);
    return new LayerMap(studentLayers, teacherLayers, ts);
  }

  /**
   * Random (RAIL-KD): draws teacher layers uniformly without replacement, sorts them and pairs them
   * in order with the student's layers. Without {@code includeLast}: Ls - 1 layers from teacher
   * 0..Lt-2 for student 0..Ls-2 (the last layers are left to the logit loss); with it: Ls layers
   * from teacher 0..Lt-1 for every student layer. Uses Ls - 1 (or Ls) draws of {@code rng}.
   */
  public static LayerMap random(int studentLayers, int teacherLayers, boolean includeLast, Rng rng) {
    checkCounts(studentLayers, teacherLayers);
    int mapped = includeLast ? studentLayers : studentLayers - 1;
    int candidates = includeLast ? teacherLayers : teacherLayers - 1;
    if (mapped > candidates) {
      throw new IllegalArgumentException("layer map: random needs at least as many candidate teacher layers (" + candidates
          + (includeLast ? "" : ", the last excluded") + ") as mapped student layers (" + mapped + ")");
    }
    int[] pool = new int[candidates];
    for (int i = 0; i < candidates; i++) pool[i] = i;
    // partial Fisher-Yates: the first `mapped` entries become a uniform sample without replacement
    for (int i = 0; i < mapped; i++) {
      int j = i + rng.nextInt(candidates - i);
      int tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    int[] chosen = Arrays.copyOf(pool, mapped);
    Arrays.sort(chosen);
    List<LayerMap.Pair> pairs = new ArrayList<>();
    for (int s = 0; s < mapped; s++) pairs.add(new LayerMap.Pair(s, chosen[s]));
    return LayerMap.ofPairs(studentLayers, teacherLayers, pairs);
  }

  private static void checkCounts(int studentLayers, int teacherLayers) {
    if (studentLayers <= 0) throw new IllegalArgumentException("layer map: the student needs at least one layer, got " + studentLayers);
    if (teacherLayers <= 0) throw new IllegalArgumentException("layer map: the teacher needs at least one layer, got " + teacherLayers);
  }
}
