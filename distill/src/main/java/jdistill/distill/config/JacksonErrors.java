package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import jdistill.distill.schedule.ValueSchedule;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns Jackson's exceptions into {@link ConfigException}s that speak of config fields, not Java types. */
final class JacksonErrors {

  private JacksonErrors() {}

  static ConfigException toConfigException(JsonProcessingException e, String source, String prefix) {
    if (!(e instanceof JsonMappingException m)) {
      // a syntax error in the YAML text
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 0 ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
      String msg = ConfigOverrides.firstLine(e.getOriginalMessage());
      if (msg.startsWith("Duplicate field")) return new ConfigException(source, prefix, where + "d" + msg.substring(1) + " (each key once per map)");
      if (e.getCause() instanceof MarkedYAMLException y) {
        Mark mark = y.getProblemMark();
        where = mark == null ? where : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
        msg = (y.getContext() == null ? "" : y.getContext() + ": ") + y.getProblem();
      }
      return new ConfigException(source, prefix, where + "not valid YAML: " + msg);
    }
    String path = join(prefix, path(m));
    ConfigFieldException field = fieldCause(m);
    if (field != null) return new ConfigException(source, join(path, field.field()), field.detail());
    if (m instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      Collection<Object> ids = u.getKnownPropertyIds();
      if (u.getReferringClass() != null && u.getReferringClass().isRecord()) known.addAll(ConfigSchema.fieldNames(u.getReferringClass()));
      else if (ids != null) for (Object id : ids) known.add(String.valueOf(id));
      return new ConfigException(source, path, "unknown field '" + u.getPropertyName() + "'; valid fields: " + String.join(", ", known));
    }
    if (m instanceof InvalidFormatException f) {
      return new ConfigException(source, path, "expected " + expected(f.getTargetType()) + ", got " + shown(f.getValue()));
    }
    if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      return new ConfigException(source, path, "expected " + expected(mi.getTargetType()) + ", got " + current(mi));
    }
    Throwable cause = m.getCause();
    if (cause instanceof IllegalArgumentException iae && cause.getMessage() != null) return new ConfigException(source, path, iae.getMessage());
    return new ConfigException(source, path, ConfigOverrides.firstLine(m.getOriginalMessage()));
  }

  private static ConfigFieldException fieldCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConfigFieldException f) return f;
      if (c.getCause() == c) break;
    }
    return null;
  }

  private static String path(JsonMappingException m) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      String part = r.getFieldName() != null ? r.getFieldName() : r.getIndex() >= 0 ? Integer.toString(r.getIndex()) : null;
      if (part == null) continue;
      if (!b.isEmpty()) b.append('.');
      b.append(part);
    }
    return b.toString();
  }

  private static String join(String a, String b) {
    if (a == null || a.isEmpty()) return b == null ? "" : b;
    if (b == null || b.isEmpty()) return a;
    return a + "." + b;
  }

  /** What a field of Java type {@code t} takes, in config words. */
  static String expected(Class<?> t) {
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Short.class) return "an integer";
    if (t == Double.class || t == double.class || t == Float.class || t == float.class) return "a number";
    if (t == Boolean.class || t == boolean.class) return "true or false";
    if (t == String.class) return "a text value";
    if (t.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : t.getEnumConstants()) {
        String n = ((Enum<?>) c).name();
        try {
          JsonProperty p = t.getField(n).getAnnotation(JsonProperty.class);
          names.add(p != null ? p.value() : n);
        } catch (NoSuchFieldException e) {
          names.add(n);
        }
      }
      return "one of " + String.join(", ", names);
    }
    if (Collection.class.isAssignableFrom(t)) return "a list";
    if (Map.class.isAssignableFrom(t)) return "a map";
    if (t == ValueSchedule.class) return "a number or a schedule {kind: ...}";
    if (t.isRecord()) return "a map with fields " + String.join(", ", ConfigSchema.fieldNames(t));
    return "a " + t.getSimpleName();
  }

  private static String shown(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  private static String current(MismatchedInputException e) {
    if (!(e.getProcessor() instanceof JsonParser p)) return "something else";
    JsonToken t = p.currentToken();
    if (t == null) return "nothing";
    try {
      return switch (t) {
        case START_OBJECT, END_OBJECT, FIELD_NAME -> "a map";
        case START_ARRAY, END_ARRAY -> "a list";
        case VALUE_STRING -> "'" + p.getText() + "'";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
        case VALUE_TRUE -> "true";
        case VALUE_FALSE -> "false";
        case VALUE_NULL -> "null";
        default -> t.asString() == null ? t.name() : t.asString();
      };
    } catch (java.io.IOException io) {
      return t.name();
    }
  }
}
