package jdistill.engine.backend;

/** Reductions along one dimension. */
public enum ReduceOp {
  SUM,
  MAX,
  MIN,
  /** Index of the first maximum, written as I64. */
  ARGMAX,
  /** Index of the first minimum, written as I64. */
  ARGMIN
}
