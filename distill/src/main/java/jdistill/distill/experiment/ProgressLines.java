package jdistill.distill.experiment;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import jdistill.distill.train.Evaluator;
import jdistill.distill.train.LossWindow;
import jdistill.distill.train.StepStats;

/**
 * Progress as plain lines, for logs as much as for terminals: the loss and its terms every few
 * steps, and each evaluation's metrics.
 */
final class ProgressLines {

  private ProgressLines() {}

  /** A step listener printing one line every {@code every} steps and at {@code total}: the mean loss and terms since the previous line. */
  static Consumer<StepStats> steps(PrintStream out, String label, long every, long total) {
    long[] windowStart = {System.nanoTime()};
    LossWindow window = new LossWindow();
    return step -> {
      window.add(step);
      if (step.step() % every != 0 && step.step() != total) return;
      double secs = (System.nanoTime() - windowStart[0]) / 1e9;
      double rate = secs > 0 ? window.steps() / secs : 0;
      windowStart[0] = System.nanoTime();
      StepStats s = window.mean(step);
      window.clear();
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "  %s step %d/%d  loss %.4f", label, s.step(), total, s.loss()));
      if (s.terms().size() > 1) {
        sb.append(" (");
        boolean first = true;
        for (var e : s.terms().entrySet()) {
          if (!first) sb.append(", ");
          sb.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4f", e.getValue()));
          first = false;
        }
        sb.append(')');
      }
      sb.append(String.format(Locale.ROOT, "  lr %.2e  %.1f steps/s", s.lr(), rate));
      out.println(sb);
    };
  }

  /** {@code inner}, printing what it returns. */
  static Evaluator printing(Evaluator inner, PrintStream out, String label) {
    return (model, step) -> {
      Map<String, Double> m = inner.evaluate(model, step);
      out.println("  " + label + " eval at step " + step + ": " + metrics(m));
      return m;
    };
  }

  /** "accuracy 0.9310, agreement 0.9750". */
  static String metrics(Map<String, Double> m) {
    StringBuilder sb = new StringBuilder();
    for (var e : m.entrySet()) {
      if (!sb.isEmpty()) sb.append(", ");
      sb.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4f", e.getValue()));
    }
    return sb.toString();
  }
}
