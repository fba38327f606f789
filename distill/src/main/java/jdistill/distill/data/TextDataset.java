package jdistill.distill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled text dataset read from a JSONL, TSV or CSV file. Its labels stay as written until
 * {@link #examples(LabelVocabulary)} maps them with the training set's vocabulary, so that an
 * evaluation file with a label unseen in training fails on the line that has it.
 */
public final class TextDataset {

  private final Path file;
  private final DatasetColumns columns;
  private final List<Row> rows;

  private TextDataset(Path file, DatasetColumns columns, List<Row> rows) {
    this.file = file;
    this.columns = columns;
    this.rows = rows;
  }

  /** Reads {@code file} in the format its extension names. */
  public static TextDataset read(Path file, DatasetColumns columns) {
    return read(file, columns, DatasetFormat.of(file));
  }

  public static TextDataset read(Path file, DatasetColumns columns, DatasetFormat format) {
    return new TextDataset(file, columns, DatasetReader.read(file, columns, format));
  }

  public Path file() {
    return file;
  }

  public DatasetColumns columns() {
    return columns;
  }

  /** Number of records. */
  public int size() {
    return rows.size();
  }

  /** The label vocabulary of this dataset's labels (build it from the training set). */
  public LabelVocabulary labelVocabulary() {
    if (columns.label() == null) throw new DataException(file, "no label column was named, so there is no label vocabulary");
    if (rows.isEmpty()) throw new DataException(file, "no records, so there is no label vocabulary");
    List<String> labels = new ArrayList<>(rows.size());
    for (Row r : rows) labels.add(r.label());
    return LabelVocabulary.fromLabels(labels);
  }

  /** The examples with labels mapped by this dataset's own vocabulary (for a training set). */
  public List<Example> examples() {
    return examples(columns.label() == null ? null : labelVocabulary());
  }

  /**
   * The examples with labels mapped by {@code labels}; fails naming the line of a label not in it.
   *
   * @param labels the training set's vocabulary; may be null only when there is no label column
   */
  public List<Example> examples(LabelVocabulary labels) {
    if (columns.label() != null && labels == null) {
      throw new IllegalArgumentException(file + ": the dataset has a label column '" + columns.label() + "' but no label vocabulary was given");
    }
    List<Example> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      int label = Example.NO_LABEL;
      if (r.label() != null) {
        label = labels.id(r.label());
        if (label < 0) throw new DataException(file, r.line(), "label '" + r.label() + "' is not in the label set " + labels);
      }
      out.add(new Example(r.text(), r.textPair(), label, r.score()));
    }
    return out;
  }
}
