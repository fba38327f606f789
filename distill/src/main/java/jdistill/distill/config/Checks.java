package jdistill.distill.config;

/** Small argument checks shared by the config records; each raises a {@link ConfigFieldException}. */
final class Checks {

  private Checks() {}

  static <T> T or(T value, T dflt) {
    return value == null ? dflt : value;
  }

  static <T> T required(T value, String field, String expected) {
    if (value == null) throw new ConfigFieldException(field, "required: " + expected);
    return value;
  }

  static void positive(Number value, String field) {
    if (value != null && value.doubleValue() <= 0) throw new ConfigFieldException(field, "expected a positive number, got " + value);
  }

  static void nonNegative(Number value, String field) {
    if (value != null && value.doubleValue() < 0) throw new ConfigFieldException(field, "expected 0 or more, got " + value);
  }

  static void fraction(Double value, String field, boolean includeOne) {
    if (value != null && !(value >= 0 && (includeOne ? value <= 1 : value < 1))) {
      throw new ConfigFieldException(field, "expected a fraction in [0, 1" + (includeOne ? "]" : ")") + ", got " + value);
    }
  }

  /** Exactly one of the named values is set. */
  static void exactlyOne(String[] names, Object... values) {
    int set = 0;
    for (Object v : values) if (v != null) set++;
    if (set == 0) throw new ConfigFieldException(null, "expected one of: " + String.join(", ", names));
    if (set > 1) throw new ConfigFieldException(null, "expected only one of: " + String.join(", ", names) + " (" + set + " are set)");
  }
}
