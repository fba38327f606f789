package jdistill.engine.backend;

/** The soft-label losses a backend computes in one fused pass over the vocabulary. */
public enum SoftTargetLoss {
  /** {@code T^2 * KL(softmax(t/T) || softmax(s/T))}; gradient {@code T * (p_s - p_t)}. */
  KL,
  /** {@code -sum softmax(t/T) * log_softmax(s/T)} (no T^2); gradient {@code (p_s - p_t) / T}. */
  SOFT_CROSS_ENTROPY
}
