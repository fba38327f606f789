package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of encoding one text or pair: token ids with their type ids, token strings, offsets
 * into the input (code points, as HF's char offsets; special tokens and padding have (0, 0)),
 * attention mask (0 on padding) and special tokens mask (1 on added special tokens and padding).
 * The arrays are shared, not copied: do not modify them.
 */
public record Encoding(int[] ids, int[] typeIds, List<String> tokens, List<Offset> offsets, int[] attentionMask,
    int[] specialTokensMask) {

  /** Checks that all parts have the same length. */
  public Encoding {
    int n = ids.length;
    if (typeIds.length != n || tokens.size() != n || offsets.size() != n || attentionMask.length != n
        || specialTokensMask.length != n) {
      throw new IllegalArgumentException("Encoding parts differ in length: ids " + n + ", typeIds " + typeIds.length
          + ", tokens " + tokens.size() + ", offsets " + offsets.size() + ", attentionMask " + attentionMask.length
          + ", specialTokensMask " + specialTokensMask.length);
    }
  }

  /** Number of tokens (padding included). */
  public int length() {
    return ids.length;
  }

  /** The offsets as UTF-16 indices into {@code text} (Java string positions) instead of code points. */
  public List<Offset> utf16Offsets(String text) {
    int[] at = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); ) {
      at[cp++] = i;
      i += Character.charCount(text.codePointAt(i));
    }
    at[cp] = text.length();
    List<Offset> out = new ArrayList<>(offsets.size());
    for (Offset o : offsets) {
      out.add(new Offset(at[Math.min(o.start(), cp)], at[Math.min(o.end(), cp)]));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
        && tokens.equals(e.tokens) && offsets.equals(e.offsets) && Arrays.equals(attentionMask, e.attentionMask)
        && Arrays.equals(specialTokensMask, e.specialTokensMask);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ids), Arrays.hashCode(typeIds), tokens, offsets);
  }

  @Override
  public String toString() {
    return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds) + ", tokens=" + tokens
        + ", offsets=" + offsets + ", attentionMask=" + Arrays.toString(attentionMask) + ", specialTokensMask="
        + Arrays.toString(specialTokensMask) + "]";
  }
}
