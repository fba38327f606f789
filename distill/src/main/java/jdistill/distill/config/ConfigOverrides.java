package jdistill.distill.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies {@code --set path=value} to the config tree before it is bound: the path is dotted with
 * list entries by index ({@code methods.0.weight}; the index one past the end appends an entry),
 * the value is YAML ({@code 3}, {@code 0.5}, {@code true}, {@code [0, 2, 4]}, {@code {kind: linear,
 * from: 0, to: 1}}, text; empty means null). Missing maps on the way are created.
 */
final class ConfigOverrides {

  private ConfigOverrides() {}

  /** Applies one override; errors say which override and which part of its path is wrong. */
  static void apply(ObjectNode root, String override, ObjectMapper yaml) {
    int eq = override.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException("--set " + override + ": expected path=value, e.g. training.seed=3");
    String path = override.substring(0, eq).trim();
    String text = override.substring(eq + 1);
    String[] segs = path.split("\\.", -1);
    for (String s : segs) {
      if (s.isEmpty()) throw new IllegalArgumentException("--set " + override + ": the path '" + path + "' has an empty part");
    }
    try {
      ConfigSchema.check(ExperimentConfig.class, segs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--set " + override + ": " + e.getMessage());
    }
    JsonNode value;
    try {
      value = text.isBlank() ? NullNode.getInstance() : yaml.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException("--set " + override + ": the value is not valid YAML (" + firstLine(e.getMessage()) + ")");
    }
    if (value == null || value.isMissingNode()) value = NullNode.getInstance();
    JsonNode node = root;
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < segs.length; i++) {
      String seg = segs[i];
      boolean last = i == segs.length - 1;
      String where = at.isEmpty() ? "the config" : at.toString();
      if (node instanceof ObjectNode obj) {
        if (last) {
          obj.set(seg, value);
          return;
        }
        JsonNode child = obj.get(seg);
        if (child == null || child.isNull()) {
          child = segs[i + 1].matches("\\d+") ? obj.putArray(seg) : obj.putObject(seg);
        }
        node = child;
      } else if (node instanceof ArrayNode arr) {
        if (!seg.matches("\\d+")) throw new IllegalArgumentException("--set " + override + ": " + where + " is a list: expected an entry index, got '" + seg + "'");
        int index = Integer.parseInt(seg);
        if (index > arr.size()) {
          throw new IllegalArgumentException("--set " + override + ": " + where + " has " + arr.size() + " entries"
              + (arr.isEmpty() ? "" : " (0.." + (arr.size() - 1) + ")") + "; use index " + arr.size() + " to add one");
        }
        if (index == arr.size()) {
          if (last) {
            arr.add(value);
            return;
          }
          arr.add(segs[i + 1].matches("\\d+") ? arr.arrayNode() : arr.objectNode());
        } else if (last) {
          arr.set(index, value);
          return;
        }
        if (arr.get(index).isNull()) arr.set(index, segs[i + 1].matches("\\d+") ? arr.arrayNode() : arr.objectNode());
        node = arr.get(index);
      } else {
        throw new IllegalArgumentException("--set " + override + ": " + where + " is " + describe(node) + ", not a map or a list");
      }
      if (!at.isEmpty()) at.append('.');
      at.append(seg);
    }
  }

  private static String describe(JsonNode n) {
    if (n.isTextual()) return "the text '" + n.asText() + "'";
    return "the value " + n;
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
