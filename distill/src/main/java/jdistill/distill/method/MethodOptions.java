package jdistill.distill.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A method's options from a config, validated against its {@link OptionSpec}s: unknown names are
 * an error listing the valid ones, missing ones take their defaults, and typed getters explain a
 * wrongly typed value by option and method.
 */
public final class MethodOptions {

  private final String method;
  private final Map<String, Object> values;

  private MethodOptions(String method, Map<String, Object> values) {
    this.method = method;
    this.values = values;
  }

  /** Validates {@code raw} (nullable) against {@code specs}. */
  public static MethodOptions of(MethodInfo info, Map<String, ?> raw) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (OptionSpec spec : info.options()) values.put(spec.name(), spec.defaultValue());
    if (raw != null) {
      for (var e : raw.entrySet()) {
        if (!values.containsKey(e.getKey())) {
          List<String> valid = new ArrayList<>();
          for (OptionSpec spec : info.options()) valid.add(spec.name());
          throw new IllegalArgumentException("method '" + info.name() + "' has no option '" + e.getKey() + "'; valid options: " + (valid.isEmpty() ? "(none)" : String.join(", ", valid)));
        }
        values.put(e.getKey(), e.getValue());
      }
    }
    MethodOptions o = new MethodOptions(info.name(), values);
    for (OptionSpec spec : info.options()) o.checkType(spec);
    return o;
  }

  private void checkType(OptionSpec spec) {
    Object v = values.get(spec.name());
    if (v == null) return;
    switch (spec.type()) {
      case "double" -> getDouble(spec.name());
      case "int" -> getInt(spec.name());
      case "bool" -> getBool(spec.name());
      case "string" -> getString(spec.name());
      case "int-list" -> getIntList(spec.name());
      default -> { }
    }
  }

  private IllegalArgumentException wrong(String name, String expected) {
    return new IllegalArgumentException("method '" + method + "', option '" + name + "': expected " + expected + ", got " + values.get(name));
  }

  /** True when the option has a non-null value. */
  public boolean has(String name) {
    return values.get(name) != null;
  }

  public double getDouble(String name) {
    Object v = values.get(name);
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw wrong(name, "a number");
      }
    }
    throw wrong(name, "a number");
  }

  public int getInt(String name) {
    Object v = values.get(name);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw wrong(name, "an integer");
      }
    }
    throw wrong(name, "an integer");
  }

  public boolean getBool(String name) {
    Object v = values.get(name);
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) return Boolean.parseBoolean(s);
    throw wrong(name, "true or false");
  }

  public String getString(String name) {
    Object v = values.get(name);
    if (v == null) return null;
    if (v instanceof String || v instanceof Number || v instanceof Boolean) return v.toString();
    throw wrong(name, "a string");
  }

  /** An integer list, written as a YAML list or as "0,2,4". Null when unset. */
  public List<Integer> getIntList(String name) {
    Object v = values.get(name);
    if (v == null) return null;
    List<Integer> out = new ArrayList<>();
    try {
      if (v instanceof List<?> l) {
        for (Object o : l) out.add(o instanceof Number n ? n.intValue() : Integer.parseInt(o.toString().trim()));
      } else {
        for (String part : v.toString().replace("[", "").replace("]", "").split(",")) {
          if (!part.isBlank()) out.add(Integer.parseInt(part.trim()));
        }
      }
    } catch (NumberFormatException e) {
      throw wrong(name, "a list of integers");
    }
    return out;
  }

  /** The effective values (defaults filled in), for logs and reports. */
  public Map<String, Object> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }
}
