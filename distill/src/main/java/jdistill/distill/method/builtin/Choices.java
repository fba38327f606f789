package jdistill.distill.method.builtin;

import java.util.Arrays;
import java.util.Locale;
import jdistill.distill.method.MethodOptions;

/** Validation of the built-in methods' option values, with errors naming method and option. */
final class Choices {

  private Choices() {}

  /** The option's string value (lower case), which must be one of {@code allowed}. */
  static String oneOf(MethodOptions o, String method, String option, String... allowed) {
    String v = o.getString(option);
    String n = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) if (a.equals(n)) return a;
    throw new IllegalArgumentException("method '" + method + "', option '" + option + "': expected one of " + Arrays.toString(allowed) + ", got '" + v + "'");
  }

  /** A strictly positive number. */
  static double positive(MethodOptions o, String method, String option) {
    double v = o.getDouble(option);
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("method '" + method + "', option '" + option + "': must be a positive number, got " + v);
    return v;
  }

  /** A finite number >= 0 (loss weights). */
  static double weight(MethodOptions o, String method, String option) {
    double v = o.getDouble(option);
    if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("method '" + method + "', option '" + option + "': must be a finite weight >= 0, got " + v);
    return v;
  }

  /** A number in [0, 1]. */
  static double fraction(MethodOptions o, String method, String option) {
    double v = o.getDouble(option);
    if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("method '" + method + "', option '" + option + "': must be in [0, 1], got " + v);
    return v;
  }
}
