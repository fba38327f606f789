package jdistill.distill.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which teacher layer(s) each student layer learns from. Layers are 0-based transformer layers;
 * a student layer may be unmapped (empty list), mapped to one teacher layer (most methods) or to
 * several (ALP-KD, Universal-KD mix all teacher layers). Every index is checked against the two
 * layer counts on construction.
 *
 * @param studentLayers number of student layers
 * @param teacherLayers number of teacher layers
 * @param teachers for each student layer (index = student layer) its teacher layers
 */
public record LayerMap(int studentLayers, int teacherLayers, List<List<Integer>> teachers) {

  /** One mapped pair: student layer {@code student} learns from teacher layer {@code teacher}. */
  public record Pair(int student, int teacher) {}

  public LayerMap {
    if (studentLayers <= 0) throw new IllegalArgumentException("layer map: the student needs at least one layer, got " + studentLayers);
    if (teacherLayers <= 0) throw new IllegalArgumentException("layer map: the teacher needs at least one layer, got " + teacherLayers);
    if (teachers.size() != studentLayers) {
      throw new IllegalArgumentException("layer map: " + teachers.size() + " entries for a " + studentLayers + "-layer student (one per student layer expected)");
    }
    List<List<Integer>> copy = new ArrayList<>(studentLayers);
    for (int s = 0; s < studentLayers; s++) {
      List<Integer> ts = teachers.get(s);
      if (ts == null) ts = List.of();
      for (Integer t : ts) {
        if (t == null) throw new IllegalArgumentException("layer map: student layer " + s + " has a null teacher layer");
        checkTeacher(t, teacherLayers);
      }
      copy.add(List.copyOf(ts));
    }
    teachers = Collections.unmodifiableList(copy);
  }

  /** Throws the standard message when {@code t} is not a layer of a {@code teacherLayers}-layer teacher. */
  static void checkTeacher(int t, int teacherLayers) {
    if (t < 0 || t >= teacherLayers) {
      throw new IllegalArgumentException("layer map: teacher layer " + t + " out of range for a " + teacherLayers + "-layer teacher (0.." + (teacherLayers - 1) + ")");
    }
  }

  /** Throws the standard message when {@code s} is not a layer of a {@code studentLayers}-layer student. */
  static void checkStudent(int s, int studentLayers) {
    if (s < 0 || s >= studentLayers) {
      throw new IllegalArgumentException("layer map: student layer " + s + " out of range for a " + studentLayers + "-layer student (0.." + (studentLayers - 1) + ")");
    }
  }

  /** A one-to-one map from (student, teacher) pairs; student layers not named stay unmapped. */
  public static LayerMap ofPairs(int studentLayers, int teacherLayers, List<Pair> pairs) {
    if (studentLayers <= 0) throw new IllegalArgumentException("layer map: the student needs at least one layer, got " + studentLayers);
    List<List<Integer>> ts = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) ts.add(new ArrayList<>());
    for (Pair p : pairs) {
      checkStudent(p.student(), studentLayers);
      if (!ts.get(p.student()).isEmpty()) {
        throw new IllegalArgumentException("layer map: student layer " + p.student() + " is mapped twice");
      }
      ts.get(p.student()).add(p.teacher());
    }
    return new LayerMap(studentLayers, teacherLayers, ts);
  }

  /** The teacher layers of student layer {@code s} (empty when unmapped). */
  public List<Integer> teachersOf(int s) {
    checkStudent(s, studentLayers);
    return teachers.get(s);
  }

  /** True when student layer {@code s} learns from at least one teacher layer. */
  public boolean isMapped(int s) {
    return !teachersOf(s).isEmpty();
  }

  /** The single teacher layer of student layer {@code s}; an error when it has none or several. */
  public int teacherOf(int s) {
    List<Integer> ts = teachersOf(s);
    if (ts.size() != 1) {
      throw new IllegalStateException("layer map: student layer " + s + " maps to " + (ts.isEmpty() ? "no teacher layer" : "teacher layers " + ts) + ", not to exactly one");
    }
    return ts.get(0);
  }

  /** Every (student, teacher) pair, ordered by student layer then teacher layer. */
  public List<Pair> pairs() {
    List<Pair> out = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) {
      for (int t : teachers.get(s)) out.add(new Pair(s, t));
    }
    return out;
  }

  /** The student layers that have at least one teacher layer, ascending. */
  public List<Integer> mappedStudentLayers() {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < studentLayers; s++) if (!teachers.get(s).isEmpty()) out.add(s);
    return out;
  }

  /** The distinct teacher layers used, ascending. */
  public List<Integer> usedTeacherLayers() {
    boolean[] used = new boolean[teacherLayers];
    for (List<Integer> ts : teachers) for (int t : ts) used[t] = true;
    List<Integer> out = new ArrayList<>();
    for (int t = 0; t < teacherLayers; t++) if (used[t]) out.add(t);
    return out;
  }

  /** Compact form for logs, e.g. "0<-1 1<-3 2<-5 3<-[0,1,2]". */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int s = 0; s < studentLayers; s++) {
      List<Integer> ts = teachers.get(s);
      if (ts.isEmpty()) continue;
      if (!b.isEmpty()) b.append(' ');
      b.append(s).append("<-");
      if (ts.size() == 1) b.append(ts.get(0));
      else b.append(ts.toString().replace(" ", ""));
    }
    return "LayerMap[" + studentLayers + "<-" + teacherLayers + ": " + (b.isEmpty() ? "(none)" : b) + "]";
  }
}
