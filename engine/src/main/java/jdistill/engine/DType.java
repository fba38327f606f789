package jdistill.engine;

/**
 * Element types a tensor can hold. F32 is the working type; F64 exists for gradient checks; BF16
 * and F16 are storage types (the CPU converts them to F32 to compute, CUDA computes BF16 natively
 * with F32 accumulation); I32 and I64 hold token ids, indices and masks.
 */
public enum DType {
  F32(4, true, "F32"),
  F64(8, true, "F64"),
  BF16(2, true, "BF16"),
  F16(2, true, "F16"),
  I32(4, false, "I32"),
  I64(8, false, "I64");

  private final int byteSize;
  private final boolean floating;
  private final String safetensorsName;

  DType(int byteSize, boolean floating, String safetensorsName) {
    this.byteSize = byteSize;
    this.floating = floating;
    this.safetensorsName = safetensorsName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for floating-point types. */
  public boolean isFloating() {
    return floating;
  }

  /** The dtype's name in safetensors headers ("F32", "BF16", ...). */
  public String safetensorsName() {
    return safetensorsName;
  }
}
