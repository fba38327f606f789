package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The config's field tree, read from the records' {@link JsonProperty} names, to check {@code --set} paths. */
final class ConfigSchema {

  private ConfigSchema() {}

  /** The config names of a record's fields, in declaration order. */
  static List<String> fieldNames(Class<?> record) {
    List<String> names = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) names.add(name(c));
    return names;
  }

  private static String name(RecordComponent c) {
    // @JsonProperty does not target record components; it lands on the accessor (and field, parameter)
    JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
    return p != null && !p.value().isEmpty() ? p.value() : c.getName();
  }

  /**
   * Checks that {@code segments} name a field below {@code root}; list entries take an index, and
   * anything below a free-form map (method options) or a schedule is accepted. Throws a message
   * naming the first segment that does not exist.
   */
  static void check(Class<?> root, String[] segments) {
    Type type = root;
    StringBuilder at = new StringBuilder();
    for (String seg : segments) {
      Class<?> raw = rawClass(type);
      String where = at.isEmpty() ? "the config" : at.toString();
      if (raw.isRecord()) {
        RecordComponent found = null;
        for (RecordComponent c : raw.getRecordComponents()) if (name(c).equals(seg)) found = c;
        if (found == null) {
          throw new IllegalArgumentException(where + " has no field '" + seg + "'; valid fields: " + String.join(", ", fieldNames(raw)));
        }
        type = found.getGenericType();
      } else if (List.class.isAssignableFrom(raw)) {
        if (!seg.matches("\\d+")) throw new IllegalArgumentException(where + " is a list: expected an entry index, got '" + seg + "'");
        type = typeArgument(type, 0);
      } else if (Map.class.isAssignableFrom(raw) || raw == Object.class || raw.isInterface()) {
        return; // free-form below this point (method options, schedules)
      } else {
        throw new IllegalArgumentException(where + " is a single value, it has no field '" + seg + "'");
      }
      if (!at.isEmpty()) at.append('.');
      at.append(seg);
    }
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  private static Type typeArgument(Type t, int i) {
    return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
  }
}
