package jdistill.distill.data;

/**
 * One record of a dataset file as read, before labels are mapped to ids.
 *
 * @param line the 1-based line on which the record starts
 * @param label the label as written, or null when the dataset has no label column
 * @param score the parsed score, or NaN when the dataset has no score column
 */
record Row(long line, String text, String textPair, String label, float score) {}
