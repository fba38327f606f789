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

  /**
   * Double to BF16 bits, rounded to nearest even once. Going through {@code (float) d} first would
   * round twice: a double just above a BF16 halfway point can round down onto it as a float and
   * then tie to even in the wrong direction.
   */
  public static short doubleToBf16(double d) {
    return floatToBf16(roundToOddFloat(d));
  }

  /** Double to F16 bits, rounded to nearest even once (see {@link #doubleToBf16}). */
  public static short doubleToF16(double d) {
    return floatToF16(roundToOddFloat(d));
  }

  /**
   * {@code d} as a float rounded to odd: exact values stay, others are truncated toward zero with
   * the last mantissa bit set. Rounding that float to a format at least two bits narrower (BF16,
   * F16) gives the correctly rounded result of {@code d}.
   */
  static float roundToOddFloat(double d) {
    float f = (float) d;
    if (f == d || Double.isNaN(d)) return f;
    if (Math.abs((double) f) > Math.abs(d)) f = Math.nextAfter(f, 0.0);
    return Float.intBitsToFloat(Float.floatToRawIntBits(f) | 1);
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
