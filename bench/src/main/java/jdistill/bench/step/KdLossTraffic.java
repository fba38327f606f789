package jdistill.bench.step;

/**
 * The fewest bytes the fused soft-target loss moves through device memory over {@code rows x
 * vocab} logits: it reads the student and teacher logits once, writes one loss per row and, when
 * the gradient is asked for, the gradient once. A device copy of one logit tensor moves {@code 2
 * rows vocab} elements (read + write): the bandwidth reference.
 */
public record KdLossTraffic(long rows, int vocab, int bytesPerElement, boolean withGradient) {

  public KdLossTraffic {
    if (rows < 1 || vocab < 1) throw new IllegalArgumentException("need rows >= 1 and vocab >= 1, got " + rows + " x " + vocab);
    if (bytesPerElement < 1) throw new IllegalArgumentException("bytes per element must be positive, got " + bytesPerElement);
  }

  /** Elements in one logit tensor. */
  public long logitElements() {
    return rows * vocab;
  }

  /** Bytes read plus written by one fused loss call. */
  public long lossBytes() {
    return ((withGradient ? 3 : 2) * logitElements() + rows) * bytesPerElement;
  }

  /** Bytes read plus written by a device copy of one logit tensor. */
  public long copyBytes() {
    return 2 * logitElements() * bytesPerElement;
  }

  /** GB/s (10^9 bytes) for {@code bytes} moved in {@code seconds}. */
  public static double gbPerSecond(long bytes, double seconds) {
    return bytes / seconds / 1e9;
  }
}
