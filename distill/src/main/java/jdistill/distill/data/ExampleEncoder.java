package jdistill.distill.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenises examples and truncates them to {@code maxLength} tokens including the special tokens:
 * a single text loses its tail; a pair loses tokens longest-first (one at a time from the longer
 * segment, from the second on a tie, as HF's {@code longest_first} does).
 */
public final class ExampleEncoder {

  private final TextEncoder encoder;
  private final int maxLength;

  public ExampleEncoder(TextEncoder encoder, int maxLength) {
    int needed = encoder.specialTokenCount(true) + 2;
    if (maxLength < needed) {
      throw new IllegalArgumentException("max length " + maxLength + " leaves no room for text; it must be at least " + needed);
    }
    this.encoder = encoder;
    this.maxLength = maxLength;
  }

  public int maxLength() {
    return maxLength;
  }

  /** One example, tokenised and truncated. */
  public EncodedExample encode(Example e) {
    int[] a = encoder.tokenize(e.text());
    int[] b = e.textPair() == null ? null : encoder.tokenize(e.textPair());
    int budget = maxLength - encoder.specialTokenCount(b != null);
    if (b == null) {
      if (a.length > budget) a = Arrays.copyOf(a, budget);
    } else {
      int[] keep = longestFirst(a.length, b.length, budget);
      a = Arrays.copyOf(a, keep[0]);
      b = Arrays.copyOf(b, keep[1]);
    }
    EncodedText t = encoder.assemble(a, b);
    if (t.length() == 0) throw new IllegalArgumentException("the text '" + e.text() + "' has no tokens");
    return new EncodedExample(t.ids(), t.typeIds(), e.label(), e.score());
  }

  /** Every example, in order; an error names the example's index. */
  public List<EncodedExample> encodeAll(List<Example> examples) {
    List<EncodedExample> out = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      try {
        out.add(encode(examples.get(i)));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("example " + i + ": " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /**
   * How many tokens of each segment survive longest-first truncation to {@code budget} tokens:
   * while too long, drop one from the longer segment (the second on a tie).
   */
  static int[] longestFirst(int lengthA, int lengthB, int budget) {
    int a = lengthA;
    int b = lengthB;
    while (a + b > budget) {
      if (a > b) a--;
      else b--;
    }
    return new int[] {a, b};
  }
}
