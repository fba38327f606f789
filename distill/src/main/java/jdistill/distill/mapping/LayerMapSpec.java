package jdistill.distill.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdistill.engine.Rng;

/**
 * A layer mapping as written in a config, before the layer counts are known. Written as a strategy
 * name ({@code uniform}), an explicit list ({@code [1, 3, 5, 7, 9, 11]}) or a map:
 *
 * <pre>
 * {strategy: uniform}
 * {strategy: skip, k: 2, include_last: false}      # PKD-skip; k defaults to Lt / Ls
 * {strategy: last, k: 5, include_last: false}      # PKD-last; k defaults to Ls - 1
 * {strategy: explicit, layers: [1, 3, [5, 6]], student: [0, 1, 2]}   # student optional
 * {strategy: all}                                  # every teacher layer, for ALP-KD-style mixes
 * {strategy: random, every: epoch}                 # RAIL-KD; or every: steps, steps: 500
 * </pre>
 *
 * {@code include_last} (default false) applies to skip, last and random.
 *
 * @param strategy the strategy
 * @param k stride (skip) or pair count (last); 0 = the strategy's default
 * @param includeLast whether the last student layer is paired with the last teacher layer
 * @param layers explicit: teacher layers per entry
 * @param student explicit: the student layer of each entry, or null for 0, 1, 2, ...
 * @param every random: when the map is re-drawn
 * @param steps random with {@code every: steps}: the re-draw interval in steps
 */
public record LayerMapSpec(Strategy strategy, int k, boolean includeLast, List<List<Integer>> layers, List<Integer> student, Redraw every, long steps) {

  /** The mapping strategies, by config name. */
  public enum Strategy {
    UNIFORM, SKIP, LAST, EXPLICIT, ALL, RANDOM;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Strategy parse(String name) {
      String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      if (n.equals("last_k")) return LAST;
      for (Strategy s : values()) if (s.configName().equals(n)) return s;
      throw new IllegalArgumentException("layer map: unknown strategy '" + name + "'; valid strategies: uniform, skip, last, explicit, all, random");
    }
  }

  /** When a random map is re-drawn: at each epoch start, or every {@code steps} steps. */
  public enum Redraw { EPOCH, STEPS }

  private static final List<String> KEYS = List.of("strategy", "k", "include_last", "layers", "student", "every", "steps");

  public LayerMapSpec {
    if (strategy == null) throw new IllegalArgumentException("layer map: a strategy is required");
    if (k < 0) throw new IllegalArgumentException("layer map: k must be positive, got " + k);
    if (strategy == Strategy.EXPLICIT) {
      if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("layer map: explicit needs 'layers', a list of teacher layers");
      List<List<Integer>> copy = new ArrayList<>();
      for (List<Integer> l : layers) copy.add(List.copyOf(l));
      layers = List.copyOf(copy);
      student = student == null ? null : List.copyOf(student);
    } else if (layers != null || student != null) {
      throw new IllegalArgumentException("layer map: 'layers' and 'student' apply to the explicit strategy, not " + strategy.configName());
    }
    if (k != 0 && strategy != Strategy.SKIP && strategy != Strategy.LAST) {
      throw new IllegalArgumentException("layer map: 'k' applies to skip and last, not " + strategy.configName());
    }
    if (includeLast && strategy != Strategy.SKIP && strategy != Strategy.LAST && strategy != Strategy.RANDOM) {
      throw new IllegalArgumentException("layer map: 'include_last' applies to skip, last and random, not " + strategy.configName());
    }
    if (strategy == Strategy.RANDOM) {
      if (every == null) every = Redraw.EPOCH;
      if (every == Redraw.STEPS && steps <= 0) throw new IllegalArgumentException("layer map: random with 'every: steps' needs 'steps', a positive number of steps");
      if (every == Redraw.EPOCH && steps != 0) throw new IllegalArgumentException("layer map: 'steps' applies with 'every: steps', not 'every: epoch'");
    } else if (every != null || steps != 0) {
      throw new IllegalArgumentException("layer map: 'every' and 'steps' apply to the random strategy, not " + strategy.configName());
    }
  }

  /** A spec with just a strategy and its defaults. */
  public static LayerMapSpec of(Strategy strategy) {
    return new LayerMapSpec(strategy, 0, false, null, null, null, 0);
  }

  /** An explicit one-to-one map: entry i is the teacher layer of student layer i. */
  public static LayerMapSpec explicit(List<Integer> teacherLayers) {
    List<List<Integer>> ls = new ArrayList<>();
    for (Integer t : teacherLayers) ls.add(List.of(t));
    return new LayerMapSpec(Strategy.EXPLICIT, 0, false, ls, null, null, 0);
  }

  /**
   * Parses a config value: a strategy name, a list (explicit teacher layers, entries may be lists),
   * or a map with the keys shown in the class javadoc. Errors name the offending key.
   */
  public static LayerMapSpec parse(Object raw) {
    if (raw instanceof LayerMapSpec spec) return spec;
    if (raw instanceof String s) {
      if (s.trim().startsWith("[")) return parse(Map.of("strategy", "explicit", "layers", intListOrNested(s, "layers")));
      return of(Strategy.parse(s));
    }
    if (raw instanceof List<?> l) return new LayerMapSpec(Strategy.EXPLICIT, 0, false, nested(l), null, null, 0);
    if (!(raw instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("layer map: expected a strategy name, a list of teacher layers or a map with 'strategy', got " + raw);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (var e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!KEYS.contains(key)) throw new IllegalArgumentException("layer map: unknown key '" + key + "'; valid keys: " + String.join(", ", KEYS));
      map.put(key, e.getValue());
    }
    Object strategyRaw = map.get("strategy");
    if (strategyRaw == null) throw new IllegalArgumentException("layer map: 'strategy' is required (uniform, skip, last, explicit, all, random)");
    Strategy strategy = Strategy.parse(strategyRaw.toString());
    int k = map.containsKey("k") ? (int) integer(map.get("k"), "k") : 0;
    boolean includeLast = map.containsKey("include_last") && bool(map.get("include_last"), "include_last");
    List<List<Integer>> layers = map.containsKey("layers") ? intListOrNested(map.get("layers"), "layers") : null;
    List<Integer> student = null;
    if (map.containsKey("student")) {
      student = new ArrayList<>();
      for (List<Integer> one : intListOrNested(map.get("student"), "student")) {
        if (one.size() != 1) throw new IllegalArgumentException("layer map: 'student' must be a flat list of student layers");
        student.add(one.get(0));
      }
    }
    Redraw every = null;
    if (map.containsKey("every")) {
      String e = String.valueOf(map.get("every")).trim().toLowerCase(Locale.ROOT);
      every = switch (e) {
        case "epoch" -> Redraw.EPOCH;
        case "steps", "step" -> Redraw.STEPS;
        default -> throw new IllegalArgumentException("layer map: 'every' must be epoch or steps, got '" + map.get("every") + "'");
      };
    }
    long steps = map.containsKey("steps") ? integer(map.get("steps"), "steps") : 0;
    if (map.containsKey("steps") && steps <= 0) throw new IllegalArgumentException("layer map: 'steps' must be positive, got " + steps);
    if (every == null && steps > 0 && strategy == Strategy.RANDOM) every = Redraw.STEPS;
    return new LayerMapSpec(strategy, k, includeLast, layers, student, every, steps);
  }

  /** Builds the map for the given layer counts (random: the first draw, from {@code rng}). */
  public LayerMap build(int studentLayers, int teacherLayers, Rng rng) {
    return switch (strategy) {
      case UNIFORM -> LayerMaps.uniform(studentLayers, teacherLayers);
      case SKIP -> LayerMaps.skip(studentLayers, teacherLayers, k, includeLast);
      case LAST -> LayerMaps.last(studentLayers, teacherLayers, k, includeLast);
      case EXPLICIT -> LayerMaps.explicit(studentLayers, teacherLayers, layers, student);
      case ALL -> LayerMaps.all(studentLayers, teacherLayers);
      case RANDOM -> {
        if (rng == null) throw new IllegalArgumentException("layer map: the random strategy needs the run's random generator");
        yield LayerMaps.random(studentLayers, teacherLayers, includeLast, rng);
      }
    };
  }

  /** A mapper that keeps the current map and re-draws a random one on schedule; see {@link LayerMapper}. */
  public LayerMapper mapper(int studentLayers, int teacherLayers, long stepsPerEpoch, Rng rng) {
    return new LayerMapper(this, studentLayers, teacherLayers, stepsPerEpoch, rng);
  }

  /** The config form, e.g. "{strategy: skip, k: 2, include_last: true}". */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{strategy: ").append(strategy.configName());
    if (k != 0) b.append(", k: ").append(k);
    if (includeLast) b.append(", include_last: true");
    if (layers != null) b.append(", layers: ").append(layers);
    if (student != null) b.append(", student: ").append(student);
    if (every != null) b.append(", every: ").append(every.name().toLowerCase(Locale.ROOT));
    if (steps != 0) b.append(", steps: ").append(steps);
    return b.append('}').toString();
  }

  /** Keys a map form accepts. */
  public static Set<String> keys() {
    return Set.copyOf(KEYS);
  }

  private static long integer(Object v, String key) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new IllegalArgumentException("layer map: '" + key + "' must be an integer, got " + v);
  }

  private static boolean bool(Object v, String key) {
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) return Boolean.parseBoolean(s);
    throw new IllegalArgumentException("layer map: '" + key + "' must be true or false, got " + v);
  }

  /** Reads [1, 2, [3, 4]] (a YAML list, or the same written as a string) as a list of lists. */
  private static List<List<Integer>> intListOrNested(Object v, String key) {
    if (v instanceof List<?> l) return nested(l);
    if (v instanceof String s) {
      String body = s.trim();
      if (body.startsWith("[") && body.endsWith("]")) body = body.substring(1, body.length() - 1);
      List<Object> items = new ArrayList<>();
      int depth = 0;
      StringBuilder cur = new StringBuilder();
      for (char c : body.toCharArray()) {
        if (c == '[') depth++;
        if (c == ']') depth--;
        if (c == ',' && depth == 0) {
          items.add(item(cur.toString(), key));
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      if (!cur.toString().isBlank()) items.add(item(cur.toString(), key));
      return nested(items);
    }
    if (v instanceof Number) return nested(List.of(v));
    throw new IllegalArgumentException("layer map: '" + key + "' must be a list of layer indices, got " + v);
  }

  private static Object item(String s, String key) {
    String t = s.trim();
    if (t.startsWith("[")) return intListOrNested(t, key).stream().map(x -> x.get(0)).toList();
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("layer map: '" + key + "' must be a list of layer indices, got '" + t + "'");
    }
  }

  private static List<List<Integer>> nested(List<?> l) {
    List<List<Integer>> out = new ArrayList<>();
    for (Object o : l) {
      if (o instanceof List<?> inner) {
        List<Integer> one = new ArrayList<>();
        for (Object x : inner) one.add(toLayer(x));
        out.add(one);
      } else {
        out.add(List.of(toLayer(o)));
      }
    }
    return out;
  }

  private static int toLayer(Object o) {
    if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
    if (o instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("layer map: layer indices must be integers, got " + o);
  }
}
