package jdistill.distill.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The steps since the last log line: what gets logged is their mean loss and mean loss terms (a
 * single step's loss depends on its batch, e.g. on which length bucket it came from, and would make
 * a noisy curve), with the learning rate, gradient norm and position of the window's last step.
 */
public final class LossWindow {

  private int steps;
  private double lossSum;
  private final Map<String, Double> termSums = new LinkedHashMap<>();
  private long tokens;
  private double seconds;

  public void add(StepStats s) {
    steps++;
    lossSum += s.loss();
    for (var e : s.terms().entrySet()) termSums.merge(e.getKey(), e.getValue(), Double::sum);
    tokens += s.tokens();
    seconds += s.seconds();
  }

  public boolean isEmpty() {
    return steps == 0;
  }

  /** Steps added since the last {@link #clear}. */
  public int steps() {
    return steps;
  }

  /** The window as one record: means of loss and terms, sums of tokens and seconds, the rest from {@code last}. */
  public StepStats mean(StepStats last) {
    if (steps == 0) return last;
    Map<String, Double> terms = new LinkedHashMap<>();
    for (var e : termSums.entrySet()) terms.put(e.getKey(), e.getValue() / steps);
    return new StepStats(last.step(), last.epoch(), lossSum / steps, terms, last.weights(), last.lr(), last.gradNorm(), tokens, seconds);
  }

  public void clear() {
    steps = 0;
    lossSum = 0;
    termSums.clear();
    tokens = 0;
    seconds = 0;
  }
}
