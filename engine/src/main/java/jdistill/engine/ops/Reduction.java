package jdistill.engine.ops;

/** How a per-element loss is reduced: kept as is, summed, or averaged over counted elements. */
public enum Reduction {
  NONE,
  SUM,
  MEAN
}
