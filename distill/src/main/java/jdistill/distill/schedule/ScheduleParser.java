package jdistill.distill.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a {@link ValueSchedule} from a config value (number, numeric string, or map with a kind). */
final class ScheduleParser {

  private static final List<String> SPAN = List.of("start", "start_step", "steps", "fraction");
  private static final Map<String, List<String>> KEYS = keys();

  private static Map<String, List<String>> keys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("constant", List.of("kind", "value"));
    keys.put("linear", concat(List.of("kind", "from", "to"), SPAN));
    keys.put("cosine", concat(List.of("kind", "from", "to"), SPAN));
    keys.put("step", List.of("kind", "values", "at", "at_steps"));
    keys.put("annealing", concat(List.of("kind", "max", "continuous"), SPAN));
    return java.util.Collections.unmodifiableMap(keys);
  }

  private ScheduleParser() {}

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  static ValueSchedule parse(Object raw) {
    if (raw instanceof ValueSchedule s) return s;
    if (raw instanceof Number n) return new ConstantSchedule(n.doubleValue());
    if (raw instanceof String s) {
      try {
        return new ConstantSchedule(Double.parseDouble(s.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("schedule: expected a number or a map with 'kind' (" + String.join(", ", KEYS.keySet()) + "), got '" + s + "'");
      }
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("schedule: expected a number or a map with 'kind' (" + String.join(", ", KEYS.keySet()) + "), got " + raw);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (var e : m.entrySet()) map.put(String.valueOf(e.getKey()), e.getValue());
    Object kindRaw = map.get("kind");
    if (kindRaw == null) throw new IllegalArgumentException("schedule: 'kind' is required: one of " + String.join(", ", KEYS.keySet()));
    String kind = kindRaw.toString().trim().toLowerCase(Locale.ROOT);
    if (kind.equals("steps") || kind.equals("stepwise") || kind.equals("piecewise")) kind = "step";
    List<String> keys = KEYS.get(kind);
    if (keys == null) throw new IllegalArgumentException("schedule: unknown kind '" + kindRaw + "'; valid kinds: " + String.join(", ", KEYS.keySet()));
    for (String key : map.keySet()) {
      if (!keys.contains(key)) throw new IllegalArgumentException("schedule: " + kind + " has no key '" + key + "'; valid keys: " + String.join(", ", keys));
    }
    return switch (kind) {
      case "constant" -> new ConstantSchedule(number(map, "value", null, kind));
      case "linear" -> new LinearSchedule(number(map, "from", null, kind), number(map, "to", null, kind), span(map));
      case "cosine" -> new CosineSchedule(number(map, "from", null, kind), number(map, "to", null, kind), span(map));
      case "annealing" -> new AnnealingSchedule(number(map, "max", 7.0, kind), bool(map, "continuous"), span(map));
      case "step" -> step(map);
      default -> throw new IllegalStateException(kind);
    };
  }

  private static StepSchedule step(Map<String, Object> map) {
    if (map.containsKey("at") == map.containsKey("at_steps")) {
      throw new IllegalArgumentException("schedule: step needs its boundaries as 'at' (fractions of the run) or 'at_steps' (step numbers), exactly one of them");
    }
    boolean inSteps = map.containsKey("at_steps");
    List<Double> values = numbers(map, "values");
    List<Double> boundaries = numbers(map, inSteps ? "at_steps" : "at");
    return new StepSchedule(values, boundaries, inSteps);
  }

  private static ScheduleSpan span(Map<String, Object> map) {
    Double start = map.containsKey("start") ? number(map, "start", null, "span") : null;
    Long startStep = map.containsKey("start_step") ? integer(map, "start_step") : null;
    Long steps = map.containsKey("steps") ? integer(map, "steps") : null;
    Double fraction = map.containsKey("fraction") ? number(map, "fraction", null, "span") : null;
    return new ScheduleSpan(startStep, start, steps, fraction);
  }

  private static double number(Map<String, Object> map, String key, Double dflt, String kind) {
    Object v = map.get(key);
    if (v == null) {
      if (dflt != null) return dflt;
      throw new IllegalArgumentException("schedule: " + kind + " needs '" + key + "', a number");
    }
    Double d = toDouble(v);
    if (d == null || !Double.isFinite(d)) throw new IllegalArgumentException("schedule: '" + key + "' must be a number, got " + v);
    return d;
  }

  private static long integer(Map<String, Object> map, String key) {
    Double d = toDouble(map.get(key));
    if (d == null || d != Math.rint(d)) throw new IllegalArgumentException("schedule: '" + key + "' must be a whole number of steps, got " + map.get(key));
    return d.longValue();
  }

  private static boolean bool(Map<String, Object> map, String key) {
    Object v = map.get(key);
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) return Boolean.parseBoolean(s);
    throw new IllegalArgumentException("schedule: '" + key + "' must be true or false, got " + v);
  }

  private static List<Double> numbers(Map<String, Object> map, String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> l) || l.isEmpty() && key.equals("values")) {
      throw new IllegalArgumentException("schedule: '" + key + "' must be a list of numbers, got " + v);
    }
    List<Double> out = new ArrayList<>();
    for (Object o : l) {
      Double d = toDouble(o);
      if (d == null || !Double.isFinite(d)) throw new IllegalArgumentException("schedule: '" + key + "' must be a list of numbers, got " + v);
      out.add(d);
    }
    return out;
  }

  private static Double toDouble(Object v) {
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
