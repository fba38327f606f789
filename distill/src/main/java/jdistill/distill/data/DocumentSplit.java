package jdistill.distill.data;

/** How a plain-text corpus is divided into documents. */
public enum DocumentSplit {
  /** Every non-blank line is one document. */
  LINES,
  /** Documents are separated by one or more blank lines; a document's lines are joined with '\n'. */
  BLANK_LINES
}
