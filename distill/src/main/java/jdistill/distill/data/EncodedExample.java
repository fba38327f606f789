package jdistill.distill.data;

/**
 * One tokenised example, ready to be padded into a batch.
 *
 * @param ids token ids including the special tokens
 * @param typeIds segment ids, the same length as {@code ids}
 * @param label class id, or {@link Example#NO_LABEL}
 * @param score regression target, or NaN
 */
public record EncodedExample(int[] ids, int[] typeIds, int label, float score) {

  public EncodedExample {
    if (ids.length != typeIds.length) {
      throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " and " + typeIds.length);
    }
    if (ids.length == 0) throw new IllegalArgumentException("an encoded example needs at least one token");
  }

  /** An unlabelled token sequence with segment ids all 0 (language modelling windows). */
  public static EncodedExample ofIds(int[] ids) {
    return new EncodedExample(ids, new int[ids.length], Example.NO_LABEL, Float.NaN);
  }

  public int length() {
    return ids.length;
  }
}
