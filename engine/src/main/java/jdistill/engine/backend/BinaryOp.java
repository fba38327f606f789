package jdistill.engine.backend;

/** Elementwise functions of two arguments. Comparisons yield 1 or 0 in the output dtype. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  POW,
  MAX,
  MIN,
  /** a == b. */
  EQ,
  /** a > b. */
  GT,
  /** a >= b. */
  GE,
  /** a < b. */
  LT,
  /** a <= b. */
  LE
}
