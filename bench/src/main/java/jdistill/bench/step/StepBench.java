package jdistill.bench.step;

/** Runs the distillation step benchmark: build, warm up, time, collect the figures. */
public final class StepBench {

  private StepBench() {}

  /**
   * Runs {@code config.warmup()} untimed and {@code config.steps()} timed steps. Each step ends
   * with the device synchronised, so the host clock brackets the device work.
   *
   * @param peakTflops the device peak for MFU, or NaN to take it from the device name ({@link PeakRates})
   */
  public static StepResult run(StepConfig config, double peakTflops, long seed) {
    DistillStep step = new DistillStep(config, seed);
    double[] losses = new double[config.warmup() + config.steps()];
    for (int i = 0; i < config.warmup(); i++) losses[i] = step.step();
    DeviceInfo.resetPeakMemory(config.device());
    double[] seconds = new double[config.steps()];
    for (int i = 0; i < config.steps(); i++) {
      long t0 = System.nanoTime();
      losses[config.warmup() + i] = step.step();
      seconds[i] = (System.nanoTime() - t0) / 1e9;
    }
    String description = DeviceInfo.describe(config.device());
    double peak = Double.isNaN(peakTflops) ? PeakRates.tflops(description, config.dtype()) : peakTflops;
    return new StepResult(config, description, seconds, peak, DeviceInfo.peakMemoryBytes(config.device()), losses);
  }
}
