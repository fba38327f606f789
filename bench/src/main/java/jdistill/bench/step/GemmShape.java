package jdistill.bench.step;

/**
 * A matrix product {@code [M, K] x [K, N]}, written {@code MxKxN} (tokens x input width x output
 * width, the way a linear layer reads: {@code 4096x768x2304} is GPT-2 small's qkv projection over
 * 4096 tokens). Note the order differs from {@code bench gemm}'s {@code MxNxK}.
 */
public record GemmShape(int m, int k, int n) {

  /** GPT-2 small's four layer products at 4096 tokens: qkv, attention output, feed-forward up, feed-forward down. */
  public static final String[] GPT2 = {"4096x768x2304", "4096x768x768", "4096x768x3072", "4096x3072x768"};

  public GemmShape {
    if (m < 1 || k < 1 || n < 1) throw new IllegalArgumentException("GEMM shape needs positive sizes, got " + m + "x" + k + "x" + n);
  }

  /** Parses {@code MxKxN}. */
  public static GemmShape parse(String text) {
    String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (p.length == 3) return new GemmShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    } catch (NumberFormatException e) {
      // fall through to the message below
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("shape '" + text + "': " + e.getMessage());
    }
    throw new IllegalArgumentException("shape must be MxKxN (e.g. 4096x768x2304), got '" + text + "'");
  }

  /** {@code 2 M K N}: one multiply and one add per term. */
  public double flops() {
    return 2.0 * m * k * n;
  }

  /** Bytes of A, B and the output at {@code bytesPerElement}: what one product reads and writes at least. */
  public long bytes(int bytesPerElement) {
    return ((long) m * k + (long) k * n + (long) m * n) * bytesPerElement;
  }

  /** TFLOP/s of one product taking {@code seconds}. */
  public double tflops(double seconds) {
    return flops() / seconds / 1e12;
  }

  @Override
  public String toString() {
    return m + "x" + k + "x" + n;
  }
}
