package jdistill.models.tokenizer;

/**
 * How encodings are padded: to the longest of the batch ({@code fixedLength} null) or to a fixed
 * length, optionally rounded up to a multiple, on the right or the left.
 */
public record Padding(Integer fixedLength, boolean right, Integer padToMultipleOf, int padId, int padTypeId,
    String padToken) {

  /** Pad to the longest encoding of the batch, on the right. */
  public static Padding batchLongest(int padId, String padToken) {
    return new Padding(null, true, null, padId, 0, padToken);
  }

  /** Pad every encoding to {@code length} tokens, on the right. */
  public static Padding fixed(int length, int padId, String padToken) {
    return new Padding(length, true, null, padId, 0, padToken);
  }

  /** The length a batch whose longest encoding has {@code longest} tokens is padded to. */
  int targetLength(int longest) {
    int n = fixedLength != null ? fixedLength : longest;
    if (padToMultipleOf != null && padToMultipleOf > 0 && n % padToMultipleOf > 0) {
      n += padToMultipleOf - n % padToMultipleOf;
    }
    return n;
  }

  /** Pads {@code e} to {@code length}. */
  void pad(EncodingBuilder e, int length) {
    e.pad(length, padId, padTypeId, padToken, right);
  }
}
