package jdistill.distill.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The class labels of a classification task and their ids. Built once from the training set and
 * reused for evaluation sets, so a label unseen in training is an error rather than a new class.
 * When every training label is a non-negative integer the integers are the ids (names "0", "1",
 * ...); otherwise the distinct names are sorted and numbered from 0.
 */
public final class LabelVocabulary {

  private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");

  private final List<String> names;
  private final Map<String, Integer> ids;
  private final boolean integers;

  private LabelVocabulary(List<String> names, boolean integers) {
    this.names = List.copyOf(names);
    this.integers = integers;
    this.ids = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (ids.put(names.get(i), i) != null) throw new IllegalArgumentException("label '" + names.get(i) + "' is listed twice");
    }
  }

  /** Labels named in this order (ids 0, 1, ...), as a config or a model's id2label gives them. */
  public static LabelVocabulary of(List<String> names) {
    if (names.isEmpty()) throw new IllegalArgumentException("a label vocabulary needs at least one label");
    return new LabelVocabulary(names, false);
  }

  /** Built from the labels seen in a training set: integers as ids, otherwise sorted names. */
  public static LabelVocabulary fromLabels(Collection<String> labels) {
    if (labels.isEmpty()) throw new IllegalArgumentException("a label vocabulary needs at least one label");
    boolean allIntegers = labels.stream().allMatch(l -> INTEGER.matcher(l).matches());
    if (allIntegers) {
      int max = labels.stream().mapToInt(Integer::parseInt).max().orElseThrow();
      List<String> names = new ArrayList<>(max + 1);
      for (int i = 0; i <= max; i++) names.add(Integer.toString(i));
      return new LabelVocabulary(names, true);
    }
    return new LabelVocabulary(new ArrayList<>(new TreeSet<>(labels)), false);
  }

  /** The id of {@code label}, or -1 when it is not in the set. */
  public int id(String label) {
    if (integers && INTEGER.matcher(label).matches()) {
      int v = Integer.parseInt(label);
      return v < names.size() ? v : -1;
    }
    Integer id = ids.get(label);
    return id == null ? -1 : id;
  }

  /** The name of class {@code id}. */
  public String name(int id) {
    return names.get(id);
  }

  /** Number of classes. */
  public int size() {
    return names.size();
  }

  /** Label names by id. */
  public List<String> names() {
    return names;
  }

  @Override
  public String toString() {
    return names.toString();
  }
}
