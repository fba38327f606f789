package jdistill.distill.train;

import java.io.Console;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The training progress bar (steps done, ETA, loss, tokens/s), drawn only when asked for and
 * when the console is an interactive terminal; otherwise every call does nothing, so logs and
 * tests stay clean.
 */
final class ProgressDisplay implements AutoCloseable {

  private final ProgressBar bar;

  private ProgressDisplay(ProgressBar bar) {
    this.bar = bar;
  }

  /** A bar from {@code start} to {@code total} steps, or a silent one. */
  static ProgressDisplay open(boolean wanted, long total, long start) {
    if (!wanted || !isTerminal()) return new ProgressDisplay(null);
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName("distill")
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .startsFrom(start, java.time.Duration.ZERO)
        .build();
    return new ProgressDisplay(bar);
  }

  /** True when stdout is an interactive terminal. */
  static boolean isTerminal() {
    Console c = System.console();
    return c != null && c.isTerminal();
  }

  /** True when a bar is being drawn. */
  boolean active() {
    return bar != null;
  }

  void update(long step, double loss, double tokensPerSecond) {
    if (bar == null) return;
    bar.stepTo(step);
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %,.0f tok/s", loss, tokensPerSecond));
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
