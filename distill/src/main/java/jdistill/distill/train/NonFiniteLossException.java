package jdistill.distill.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Thrown when a step's loss (or gradient norm) is NaN or infinite. The message names the step,
 * every loss term's value and weight, and the last good checkpoint to resume from.
 */
public final class NonFiniteLossException extends RuntimeException {

  private final long stepIndex;
  private final Map<String, Double> terms;
  private final Path lastGoodCheckpoint;

  public NonFiniteLossException(String message, long stepIndex, Map<String, Double> terms, Path lastGoodCheckpoint) {
    super(message);
    this.stepIndex = stepIndex;
    this.terms = Map.copyOf(terms);
    this.lastGoodCheckpoint = lastGoodCheckpoint;
  }

  /** The 0-based index of the failing step (the number of steps completed before it). */
  public long stepIndex() {
    return stepIndex;
  }

  /** The unweighted loss terms of the failing micro-batch. */
  public Map<String, Double> terms() {
    return terms;
  }

  /** The last checkpoint written before the failure, or null when none was. */
  public Path lastGoodCheckpoint() {
    return lastGoodCheckpoint;
  }
}
