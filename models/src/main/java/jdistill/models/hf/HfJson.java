package jdistill.models.hf;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JSON in and out the way Hugging Face reads and writes it: strict reading (duplicate keys are an
 * error) with errors that name the file, line and column; writing byte-for-byte like Python's
 * {@code json.dumps(obj, indent=2, sort_keys=True)} (sorted keys, two-space indent, Python float
 * repr such as {@code 1e-12}, non-ASCII escaped), which is what {@code save_pretrained} produces.
 */
public final class HfJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private HfJson() {}

  /** The shared, read-only mapper (for building nodes). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Reads {@code file}, which must hold one JSON object. */
  public static ObjectNode readObject(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new HfFormatException(file + ": file not found");
    } catch (IOException e) {
      throw new HfFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parseObject(text, file.toString());
  }

  /** Parses {@code text} (from {@code source}, named in errors), which must be one JSON object. */
  public static ObjectNode parseObject(String text, String source) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      String msg = e.getOriginalMessage();
      if (msg != null && msg.startsWith("Duplicate field ")) {
        throw new HfFormatException(source + ": key " + msg.substring("Duplicate field ".length()) + " appears twice in one object" + where, e);
      }
      throw new HfFormatException(source + ": not valid JSON" + where + ": " + msg, e);
    }
    if (node == null || !node.isObject()) {
      throw new HfFormatException(source + ": expected a JSON object at the top level, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return (ObjectNode) node;
  }

  /** Writes {@code node} to {@code file} as {@link #toPythonJson} does, plus a final newline. */
  public static void write(Path file, JsonNode node) throws IOException {
    Files.writeString(file, toPythonJson(node) + "\n", StandardCharsets.UTF_8);
  }

  /** {@code node} formatted like Python's {@code json.dumps(node, indent=2, sort_keys=True)}. */
  public static String toPythonJson(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    append(sb, node, 0);
    return sb.toString();
  }

  private static void append(StringBuilder sb, JsonNode node, int depth) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        if (node.isEmpty()) {
          sb.append("{}");
          return;
        }
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) keys.add(it.next());
        keys.sort(null);
        sb.append("{\n");
        for (int i = 0; i < keys.size(); i++) {
          indent(sb, depth + 1);
          appendString(sb, keys.get(i));
          sb.append(": ");
          append(sb, node.get(keys.get(i)), depth + 1);
          sb.append(i + 1 < keys.size() ? ",\n" : "\n");
        }
        indent(sb, depth);
        sb.append('}');
      }
      case ARRAY -> {
        if (node.isEmpty()) {
          sb.append("[]");
          return;
        }
        sb.append("[\n");
        for (int i = 0; i < node.size(); i++) {
          indent(sb, depth + 1);
          append(sb, node.get(i), depth + 1);
          sb.append(i + 1 < node.size() ? ",\n" : "\n");
        }
        indent(sb, depth);
        sb.append(']');
      }
      case STRING -> appendString(sb, node.textValue());
      case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
      case NULL, MISSING -> sb.append("null");
      case NUMBER -> sb.append(node.isIntegralNumber() ? node.bigIntegerValue().toString() : pythonFloat(node.doubleValue()));
      default -> throw new IllegalArgumentException("cannot write a JSON " + node.getNodeType() + " node");
    }
  }

  private static void indent(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth));
  }

  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip, in fixed notation when the
   * decimal exponent is in [-4, 16) and as {@code 1e-05}-style scientific notation otherwise.
   */
  public static String pythonFloat(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
    String sign = v < 0 ? "-" : "";
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - 1 - bd.scale();
    if (exp >= -4 && exp < 16) {
      String plain = bd.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String e = String.format("%02d", Math.abs(exp));
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
  }

  /** A JSON tree converted to plain Java values (maps, lists, strings, numbers, booleans, null). */
  public static Object toPlain(JsonNode node) {
    return MAPPER.convertValue(node, Object.class);
  }

  /** Plain Java values (as {@link #toPlain} returns) back to a JSON tree. */
  public static JsonNode fromPlain(Object value) {
    return MAPPER.valueToTree(value);
  }
}
