package jdistill.models.run;

import java.util.List;

/** Input lines longer than allowed, when truncating them was not allowed: names the lines (1-based) and the limit. */
public final class InputTooLongException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<Integer> lines;
  private final int limit;

  public InputTooLongException(String message, List<Integer> lines, int limit) {
    super(message);
    this.lines = List.copyOf(lines);
    this.limit = limit;
  }

  /** The over-long lines, numbered from 1. */
  public List<Integer> lines() {
    return lines;
  }

  /** The most tokens a line may have. */
  public int limit() {
    return limit;
  }
}
