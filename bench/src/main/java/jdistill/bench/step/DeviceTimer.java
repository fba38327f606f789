package jdistill.bench.step;

import jdistill.engine.backend.Backend;

/**
 * Times device work with the host clock, synchronising the device before each reading: warm-up
 * calls first, then trials of enough back-to-back calls to last about {@code trialSeconds}; the
 * result is the median seconds per call over the trials.
 */
public final class DeviceTimer {

  private DeviceTimer() {}

  /** Median seconds per call of {@code work} (which gets the call's index, for rotating inputs). */
  public static double medianSeconds(Backend backend, int warmup, int trials, double trialSeconds, java.util.function.IntConsumer work) {
    for (int i = 0; i < warmup; i++) work.accept(i);
    backend.synchronize();
    long t0 = System.nanoTime();
    work.accept(0);
    backend.synchronize();
    double once = Math.max((System.nanoTime() - t0) / 1e9, 1e-7);
    int calls = (int) Math.max(3, Math.min(10_000, Math.ceil(trialSeconds / once)));
    double[] perCall = new double[trials];
    int idx = 0;
    for (int t = 0; t < trials; t++) {
      backend.synchronize();
      long start = System.nanoTime();
      for (int c = 0; c < calls; c++) work.accept(idx++);
      backend.synchronize();
      perCall[t] = (System.nanoTime() - start) / 1e9 / calls;
    }
    return Stats.median(perCall);
  }
}
