package jdistill.distill.data;

/**
 * One labelled text (or text pair) as read from a dataset, before tokenisation.
 *
 * @param text the first (or only) text
 * @param textPair the second text of a pair task, or null
 * @param label class id, or {@link #NO_LABEL}
 * @param score regression target, or NaN when there is none
 */
public record Example(String text, String textPair, int label, float score) {

  /** The label of an example that has none. */
  public static final int NO_LABEL = -1;

  public Example {
    if (text == null) throw new IllegalArgumentException("an example needs a text");
    if (label < NO_LABEL) throw new IllegalArgumentException("label must be a class id >= 0 or NO_LABEL, got " + label);
  }

  /** A text with no label or score (language modelling, distillation on unlabelled text). */
  public static Example unlabelled(String text) {
    return new Example(text, null, NO_LABEL, Float.NaN);
  }

  public boolean hasLabel() {
    return label != NO_LABEL;
  }

  public boolean hasScore() {
    return !Float.isNaN(score);
  }
}
