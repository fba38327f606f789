package jdistill.distill.data;

/**
 * Token ids of one text (or text pair) with its segment ids, the same length.
 *
 * @param ids token ids including the special tokens
 * @param typeIds segment ids: 0 for the first text, 1 for the second
 */
public record EncodedText(int[] ids, int[] typeIds) {
  public EncodedText {
    if (ids.length != typeIds.length) {
      throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " and " + typeIds.length);
    }
  }

  public int length() {
    return ids.length;
  }
}
