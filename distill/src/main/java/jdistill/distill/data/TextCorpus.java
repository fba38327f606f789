package jdistill.distill.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a plain-text corpus (UTF-8) for language modelling as a list of documents. */
public final class TextCorpus {

  private TextCorpus() {}

  /** The documents of {@code file}, split as {@code split} says; fails when there are none. */
  public static List<String> documents(Path file, DocumentSplit split) {
    List<String> docs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      StringBuilder current = new StringBuilder();
      String line;
      boolean first = true;
      while ((line = in.readLine()) != null) {
        if (first && line.startsWith("\uFEFF")) line = line.substring(1);
        first = false;
        if (split == DocumentSplit.LINES) {
          if (!line.isBlank()) docs.add(line);
        } else if (line.isBlank()) {
          flush(current, docs);
        } else {
          if (!current.isEmpty()) current.append('\n');
          current.append(line);
        }
      }
      flush(current, docs);
    } catch (IOException e) {
      throw DataException.reading(file, e);
    }
    if (docs.isEmpty()) throw new DataException(file, "no documents (the file is empty or blank)");
    return docs;
  }

  private static void flush(StringBuilder current, List<String> docs) {
    if (!current.isEmpty()) {
      docs.add(current.toString());
      current.setLength(0);
    }
  }
}
