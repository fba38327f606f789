package jdistill.distill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the named fields of one record into a {@link Row}, with an error naming the file, the line
 * and the column when a value is missing or malformed. Shared by the three file readers.
 */
final class RowBuilder {

  /** A decimal number as written in data files (no Java suffixes, hex, NaN or Infinity). */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final Path file;
  private final DatasetColumns columns;

  RowBuilder(Path file, DatasetColumns columns) {
    this.file = file;
    this.columns = columns;
  }

  /** The columns this dataset needs, in the order text, text pair, label, score. */
  List<String> required() {
    List<String> r = new ArrayList<>();
    r.add(columns.text());
    if (columns.textPair() != null) r.add(columns.textPair());
    if (columns.label() != null) r.add(columns.label());
    if (columns.score() != null) r.add(columns.score());
    return r;
  }

  /** Fails when a needed column is not among {@code present} (a header or a first record). */
  void checkColumns(Collection<String> present, String where) {
    for (String c : required()) {
      if (!present.contains(c)) {
        throw new DataException(file, "no column '" + c + "'; columns present" + where + ": " + String.join(", ", present));
      }
    }
  }

  /** Looks up one column's value in a record; returns null when the record lacks it. */
  interface Fields {
    String get(String column);
  }

  Row build(long line, Fields fields) {
    String text = need(line, fields, columns.text());
    if (text.isBlank()) throw new DataException(file, line, "empty text in column '" + columns.text() + "'");
    String pair = columns.textPair() == null ? null : need(line, fields, columns.textPair());
    String label = null;
    if (columns.label() != null) {
      label = need(line, fields, columns.label()).strip();
      if (label.isEmpty()) throw new DataException(file, line, "empty label in column '" + columns.label() + "'");
    }
    float score = Float.NaN;
    if (columns.score() != null) score = parseScore(line, need(line, fields, columns.score()));
    return new Row(line, text, pair, label, score);
  }

  private String need(long line, Fields fields, String column) {
    String v = fields.get(column);
    if (v == null) throw new DataException(file, line, "missing column '" + column + "'");
    return v;
  }

  private float parseScore(long line, String raw) {
    String s = raw.strip();
    if (!DECIMAL.matcher(s).matches()) {
      throw new DataException(file, line, "score '" + raw + "' in column '" + columns.score() + "' is not a number");
    }
    float v = Float.parseFloat(s);
    if (!Float.isFinite(v)) {
      throw new DataException(file, line, "score '" + raw + "' in column '" + columns.score() + "' is out of range");
    }
    return v;
  }
}
