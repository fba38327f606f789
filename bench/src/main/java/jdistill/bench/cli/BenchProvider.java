package jdistill.bench.cli;

import jdistill.distill.cli.SubcommandProvider;

/** Adds {@code bench} to the {@code jdistill} command line (found through ServiceLoader). */
public final class BenchProvider implements SubcommandProvider {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public Object create() {
    return new BenchCommand();
  }
}
