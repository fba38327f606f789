package jdistill.distill.experiment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jdistill.distill.report.ModelFacts;

/** The teacher-versus-student table printed at the end of a run: parameters, speed and every metric. */
public final class ComparisonTable {

  private ComparisonTable() {}

  /** The table as aligned plain-text lines. */
  public static String format(ModelFacts teacher, ModelFacts student) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", "teacher", "student", "student / teacher"});
    rows.add(new String[] {"parameters", String.format(Locale.ROOT, "%,d", teacher.parameters()), String.format(Locale.ROOT, "%,d", student.parameters()),
        ratio((double) student.parameters() / teacher.parameters())});
    if (teacher.speed() != null && student.speed() != null) {
      rows.add(new String[] {"tokens/s", String.format(Locale.ROOT, "%,.0f", teacher.speed().tokensPerSecond()), String.format(Locale.ROOT, "%,.0f", student.speed().tokensPerSecond()),
          ratio(student.speed().tokensPerSecond() / teacher.speed().tokensPerSecond())});
    }
    Set<String> names = new LinkedHashSet<>(teacher.metrics().keySet());
    names.addAll(student.metrics().keySet());
    for (String m : names) {
      Double t = teacher.metrics().get(m);
      Double s = student.metrics().get(m);
      rows.add(new String[] {m, t == null ? "-" : number(t), s == null ? "-" : number(s), t == null || s == null || t == 0 ? "" : ratio(s / t)});
    }
    int[] width = new int[4];
    for (String[] r : rows) for (int i = 0; i < 4; i++) width[i] = Math.max(width[i], r[i].length());
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      sb.append(pad(r[0], width[0], true));
      for (int i = 1; i < 4; i++) sb.append("  ").append(pad(r[i], width[i], false));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%,.1f" : "%.4f", v);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  private static String pad(String s, int w, boolean left) {
    String fill = " ".repeat(Math.max(0, w - s.length()));
    return left ? s + fill : fill + s;
  }
}
