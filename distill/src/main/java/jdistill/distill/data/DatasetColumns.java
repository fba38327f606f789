package jdistill.distill.data;

/**
 * Which columns (CSV/TSV header names, JSONL keys) of a dataset hold what.
 *
 * @param text the text column (required)
 * @param textPair the second text of a pair task, or null
 * @param label the class label column (names or integer ids), or null
 * @param score the regression target column, or null
 */
public record DatasetColumns(String text, String textPair, String label, String score) {

  public DatasetColumns {
    if (text == null || text.isEmpty()) throw new IllegalArgumentException("the text column must be named");
  }

  /** Single-text classification: {@code text} and {@code label}. */
  public static DatasetColumns classification(String text, String label) {
    return new DatasetColumns(text, null, label, null);
  }

  /** Text only (language modelling, unlabelled distillation). */
  public static DatasetColumns textOnly(String text) {
    return new DatasetColumns(text, null, null, null);
  }
}
