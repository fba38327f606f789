package jdistill.engine.backend;

/**
 * Elementwise functions of one argument. The *_GRAD entries are derivatives f'(x) used by
 * backward passes (the caller multiplies by the incoming gradient).
 */
public enum UnaryOp {
  NEG,
  EXP,
  LOG,
  SQRT,
  RSQRT,
  TANH,
  SIGMOID,
  RELU,
  /** GELU, tanh approximation (GPT-2's gelu_new). */
  GELU_TANH,
  /** GELU, exact erf form (BERT's gelu). */
  GELU_ERF,
  ABS,
  SIGN,
  RECIPROCAL,
  SQUARE,
  /** d/dx GELU_TANH. */
  GELU_TANH_GRAD,
  /** d/dx GELU_ERF. */
  GELU_ERF_GRAD,
  /** 1 where x > 0, else 0 (the derivative of RELU). */
  STEP
}
