package jdistill.distill.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the records of a JSONL, TSV or CSV file into {@link Row}s, one error per malformed line.
 * CSV parsing is Jackson's (RFC 4180; with no schema each row comes as an array of strings); TSV
 * is split on tabs with no quoting, as GLUE writes it.
 */
final class DatasetReader {

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final CsvFactory CSV = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

  private DatasetReader() {}

  static List<Row> read(Path file, DatasetColumns columns, DatasetFormat format) {
    RowBuilder rows = new RowBuilder(file, columns);
    try (BufferedReader in = open(file)) {
      return switch (format) {
        case JSONL -> jsonl(file, in, rows);
        case TSV -> tsv(file, in, rows);
        case CSV -> csv(file, in, rows);
      };
    } catch (IOException e) {
      throw DataException.reading(file, e);
    }
  }

  /** A UTF-8 reader positioned after a byte-order mark, if the file starts with one. */
  private static BufferedReader open(Path file) throws IOException {
    BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    in.mark(1);
    if (in.read() != '\uFEFF') in.reset();
    return in;
  }

  private static List<Row> jsonl(Path file, BufferedReader in, RowBuilder rows) throws IOException {
    List<Row> out = new ArrayList<>();
    long lineNo = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) continue;
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new DataException(file, lineNo, "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
      }
      if (!(node instanceof ObjectNode obj)) {
        throw new DataException(file, lineNo, "expected a JSON object, found " + describe(node));
      }
      if (out.isEmpty()) {
        List<String> keys = new ArrayList<>();
        obj.fieldNames().forEachRemaining(keys::add);
        rows.checkColumns(keys, " (in the first record, line " + lineNo + ")");
      }
      final long at = lineNo;
      out.add(rows.build(lineNo, column -> jsonValue(file, at, obj, column)));
    }
    return out;
  }

  private static String jsonValue(Path file, long line, ObjectNode obj, String column) {
    JsonNode v = obj.get(column);
    if (v == null) return null;
    if (v.isTextual()) return v.textValue();
    if (v.isIntegralNumber() || v.isFloatingPointNumber()) return v.asText();
    throw new DataException(file, line, "column '" + column + "' holds " + describe(v) + ", expected a string or a number");
  }

  private static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static List<Row> tsv(Path file, BufferedReader in, RowBuilder rows) throws IOException {
    String headerLine = in.readLine();
    if (headerLine == null) throw new DataException(file, "empty file; expected a header line naming the columns");
    String[] header = headerLine.split("\t", -1);
    Map<String, Integer> index = indexOf(header);
    rows.checkColumns(Arrays.asList(header), " (header)");
    List<Row> out = new ArrayList<>();
    long lineNo = 1;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isEmpty()) continue;
      out.add(fromFields(file, lineNo, line.split("\t", -1), header, index, rows, "tab-separated "));
    }
    return out;
  }

  private static List<Row> csv(Path file, BufferedReader in, RowBuilder rows) throws IOException {
    List<Row> out = new ArrayList<>();
    try (CsvParser p = (CsvParser) CSV.createParser(in)) {
      String[] header = null;
      Map<String, Integer> index = null;
      List<String> fields = new ArrayList<>();
      long start = 0;
      JsonToken t;
      while ((t = next(file, p)) != null) {
        if (t == JsonToken.START_ARRAY) {
          fields.clear();
        } else if (t == JsonToken.VALUE_STRING) {
          // a row's start token reports the line before; its first value reports its own
          if (fields.isEmpty()) start = p.currentTokenLocation().getLineNr();
          fields.add(p.getText());
        } else if (t == JsonToken.END_ARRAY) {
          String[] f = fields.toArray(String[]::new);
          if (header == null) {
            header = f;
            index = indexOf(header);
            rows.checkColumns(Arrays.asList(header), " (header)");
          } else {
            out.add(fromFields(file, start, f, header, index, rows, ""));
          }
        }
      }
      if (header == null) throw new DataException(file, "empty file; expected a header line naming the columns");
    }
    return out;
  }

  private static JsonToken next(Path file, CsvParser p) throws IOException {
    try {
      return p.nextToken();
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String problem = "not valid CSV: " + e.getOriginalMessage().lines().findFirst().orElse("");
      throw at == null ? new DataException(file, problem) : new DataException(file, at.getLineNr(), problem);
    }
  }

  private static Map<String, Integer> indexOf(String[] header) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = header.length - 1; i >= 0; i--) index.put(header[i], i);
    return index;
  }

  private static Row fromFields(Path file, long line, String[] f, String[] header, Map<String, Integer> index, RowBuilder rows, String kind) {
    if (f.length < header.length) {
      for (String c : rows.required()) {
        if (index.get(c) >= f.length) {
          throw new DataException(file, line, "missing column '" + c + "' (the row has " + f.length + " " + kind + "fields, the header " + header.length + ")");
        }
      }
    }
    if (f.length != header.length) {
      throw new DataException(file, line, "the row has " + f.length + " " + kind + "fields, the header " + header.length);
    }
    return rows.build(line, column -> f[index.get(column)]);
  }
}
