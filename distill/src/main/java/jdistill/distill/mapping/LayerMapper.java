package jdistill.distill.mapping;

import jdistill.engine.Rng;

/**
 * Holds a method's current layer map. Fixed strategies build their map once; a random map
 * (RAIL-KD) is drawn on construction and re-drawn whenever {@link #beginStep} enters a new period:
 * a new epoch ({@code stepsPerEpoch} steps) or a new block of {@code steps} steps. Steps count from
 * 0; step s lies in period s / interval.
 */
public final class LayerMapper {

  private final LayerMapSpec spec;
  private final int studentLayers;
  private final int teacherLayers;
  private final long interval;
  private LayerMap current;
  private long period;
  private int draws;

  /**
   * @param stepsPerEpoch optimizer steps per epoch; needed only by a random map re-drawn every epoch
   * @param rng the run's generator; needed only by a random map
   */
  LayerMapper(LayerMapSpec spec, int studentLayers, int teacherLayers, long stepsPerEpoch, Rng rng) {
    this.spec = spec;
    this.studentLayers = studentLayers;
    this.teacherLayers = teacherLayers;
    if (spec.strategy() == LayerMapSpec.Strategy.RANDOM) {
      if (spec.every() == LayerMapSpec.Redraw.EPOCH && stepsPerEpoch <= 0) {
        throw new IllegalArgumentException("layer map: random re-drawn every epoch needs the number of steps per epoch, got " + stepsPerEpoch
            + "; or write {strategy: random, every: steps, steps: N}");
      }
      interval = spec.every() == LayerMapSpec.Redraw.EPOCH ? stepsPerEpoch : spec.steps();
    } else {
      interval = 0;
    }
    this.current = spec.build(studentLayers, teacherLayers, rng);
    this.period = 0;
    this.draws = 1;
  }

  /** The map to use now. */
  public LayerMap current() {
    return current;
  }

  /**
   * Called before step {@code step}: re-draws a random map when the step starts a new period
   * (from {@code rng}). Returns true when the map changed.
   */
  public boolean beginStep(long step, Rng rng) {
    if (interval <= 0) return false;
    long p = Math.floorDiv(step, interval);
    if (p == period) return false;
    period = p;
    current = spec.build(studentLayers, teacherLayers, rng);
    draws++;
    return true;
  }

  /** How many maps have been drawn (1 for fixed strategies). */
  public int draws() {
    return draws;
  }

  /** The spec this mapper follows. */
  public LayerMapSpec spec() {
    return spec;
  }
}
