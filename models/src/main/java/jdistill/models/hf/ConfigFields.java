package jdistill.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to the fields of one {@code config.json} object, with Hugging Face's defaults for
 * absent (or null) fields and errors that name the file and the field. Remembers which fields were
 * read so that the rest can be carried through unchanged.
 */
final class ConfigFields {

  private final ObjectNode node;
  private final String source;
  private final Set<String> read = new HashSet<>();

  ConfigFields(ObjectNode node, String source) {
    this.node = node;
    this.source = source;
  }

  String source() {
    return source;
  }

  HfFormatException error(String field, String problem) {
    return new HfFormatException(source + ": field \"" + field + "\" " + problem);
  }

  private JsonNode get(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** True when the field is present with a non-null value. */
  boolean has(String field) {
    return get(field) != null;
  }

  /** True when the key is present, even with a null value. */
  boolean present(String field) {
    read.add(field);
    return node.has(field);
  }

  Integer intOrNull(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      // Python writes 12.0 for an int only by mistake, but accept exact integral floats.
      if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) <= Integer.MAX_VALUE) {
        return (int) v.doubleValue();
      }
      throw error(field, "must be an integer, got " + v);
    }
    return v.intValue();
  }

  int intOr(String field, int dflt) {
    Integer v = intOrNull(field);
    return v == null ? dflt : v;
  }

  double doubleOr(String field, double dflt) {
    JsonNode v = get(field);
    if (v == null) return dflt;
    if (!v.isNumber()) throw error(field, "must be a number, got " + v);
    return v.doubleValue();
  }

  Double doubleOrNull(String field) {
    JsonNode v = get(field);
    if (v == null) return null;
    if (!v.isNumber()) throw error(field, "must be a number or null, got " + v);
    return v.doubleValue();
  }

  boolean boolOr(String field, boolean dflt) {
    JsonNode v = get(field);
    if (v == null) return dflt;
    if (!v.isBoolean()) throw error(field, "must be true or false, got " + v);
    return v.booleanValue();
  }

  String stringOr(String field, String dflt) {
    JsonNode v = get(field);
    if (v == null) return dflt;
    if (!v.isTextual()) throw error(field, "must be a string, got " + v);
    return v.textValue();
  }

  List<String> stringList(String field) {
    JsonNode v = get(field);
    if (v == null) return List.of();
    if (!v.isArray()) throw error(field, "must be a list of strings, got " + v);
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) throw error(field, "must be a list of strings, got element " + e);
      out.add(e.textValue());
    }
    return List.copyOf(out);
  }

  /**
   * {@code id2label}: keys are label indices written as strings ("0", "1", ...). Returns the labels
   * by index, or an empty list when absent.
   */
  List<String> labels(String field) {
    JsonNode v = get(field);
    if (v == null) return List.of();
    if (!v.isObject()) throw error(field, "must be an object mapping label index to name, got " + v);
    Map<Integer, String> byIndex = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int index;
      try {
        index = Integer.parseInt(e.getKey());
      } catch (NumberFormatException ex) {
        throw error(field, "has key \"" + e.getKey() + "\", expected label indices 0, 1, ...");
      }
      if (!e.getValue().isTextual()) throw error(field, "maps " + e.getKey() + " to " + e.getValue() + ", expected a label name");
      byIndex.put(index, e.getValue().textValue());
    }
    List<String> out = new ArrayList<>(byIndex.values());
    int i = 0;
    for (int index : byIndex.keySet()) {
      if (index != i++) throw error(field, "must number its labels 0.." + (byIndex.size() - 1) + " without gaps, got indices " + byIndex.keySet());
    }
    return List.copyOf(out);
  }

  /** The fields not read so far, as plain Java values, in file order. */
  Map<String, Object> unread() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!read.contains(e.getKey())) out.put(e.getKey(), HfJson.toPlain(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }
}
