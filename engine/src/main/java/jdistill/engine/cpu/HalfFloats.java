package jdistill.engine.cpu;

/** Conversions between float and the 16-bit storage formats BF16 and F16. */
public final class HalfFloats {

  private HalfFloats() {}

  /** BF16 bits to float (exact). */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** Float to BF16 bits, rounding to nearest even; NaN stays NaN. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x007FFFFF) != 0) return (short) ((bits >>> 16) | 0x0040);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** F16 bits to float (exact). */
  public static float f16ToFloat(short bits) {
    return Float.float16ToFloat(bits);
  }

  /** Float to F16 bits, rounding to nearest even. */
  public static short floatToF16(float f) {
    return Float.floatToFloat16(f);
  }
}
