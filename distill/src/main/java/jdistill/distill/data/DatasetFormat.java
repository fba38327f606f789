package jdistill.distill.data;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats a labelled dataset can be read from. */
public enum DatasetFormat {
  /** One JSON object per line; keys are the columns. */
  JSONL,
  /** Tab-separated with a header line, no quoting (GLUE style). */
  TSV,
  /** Comma-separated with a header line, RFC 4180 quoting (fields may hold commas, quotes, newlines). */
  CSV;

  /** The format a file's extension names: .jsonl/.ndjson/.json, .tsv, .csv. */
  public static DatasetFormat of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) return JSONL;
    if (name.endsWith(".tsv")) return TSV;
    if (name.endsWith(".csv")) return CSV;
    throw new DataException(file, "cannot tell the format from the file name; use .jsonl (JSON lines), .tsv or .csv, or name the format");
  }
}
