package jdistill.engine.cuda;

/** How the CUDA backend computes F32 matrix products. BF16 products always use bf16 tensor cores. */
public enum GemmPrecision {
  /**
   * Tensor cores with inputs rounded to TF32 (10-bit mantissa) and F32 accumulation: about 8x
   * faster; relative error about 1e-3 (what PyTorch does with allow_tf32).
   */
  TF32,
  /** Plain F32 fused multiply-adds: matches the CPU to rounding, for parity checks and debugging. */
  FP32;

  /** Parses "tf32" or "fp32" (any case), naming the property on error. */
  public static GemmPrecision parse(String text, String source) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "tf32" -> TF32;
      case "fp32", "f32", "ieee" -> FP32;
      default -> throw new IllegalArgumentException(source + ": unknown F32 GEMM precision '" + text + "', expected tf32 or fp32");
    };
  }
}
