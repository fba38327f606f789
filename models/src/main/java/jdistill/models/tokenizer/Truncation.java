package jdistill.models.tokenizer;

/**
 * How encodings longer than {@code maxLength} tokens (special tokens included) are cut.
 *
 * @param stride kept for {@code tokenizer.json}; overflowing windows are not produced
 */
public record Truncation(int maxLength, Strategy strategy, int stride, boolean fromRight) {

  /** Which sequence of a pair loses tokens. */
  public enum Strategy {
    /** Take from the longer one, one token at a time (HF's exact split rule). */
    LONGEST_FIRST("LongestFirst"),
    /** Only from the first sequence. */
    ONLY_FIRST("OnlyFirst"),
    /** Only from the second sequence. */
    ONLY_SECOND("OnlySecond");

    private final String jsonName;

    Strategy(String jsonName) {
      this.jsonName = jsonName;
    }

    /** The name in {@code tokenizer.json}. */
    public String jsonName() {
      return jsonName;
    }

    /** The strategy named {@code name} in {@code tokenizer.json}, or null. */
    public static Strategy fromJson(String name) {
      for (Strategy s : values()) if (s.jsonName.equals(name)) return s;
      return null;
    }
  }

  /** Checks the length. */
  public Truncation {
    if (maxLength < 0) throw new IllegalArgumentException("truncation max_length must be >= 0, got " + maxLength);
    if (stride < 0) throw new IllegalArgumentException("truncation stride must be >= 0, got " + stride);
  }

  /** Longest-first truncation to {@code maxLength}, cutting the end. */
  public static Truncation longestFirst(int maxLength) {
    return new Truncation(maxLength, Strategy.LONGEST_FIRST, 0, true);
  }

  /** HF's {@code truncate_encodings}: cuts {@code a} and {@code b} (which may be null) to {@code max} tokens. */
  void apply(EncodingBuilder a, EncodingBuilder b, int max) {
    if (max == 0) {
      a.truncate(0, fromRight);
      if (b != null) b.truncate(0, fromRight);
      return;
    }
    int total = a.size() + (b == null ? 0 : b.size());
    if (total <= max) return;
    int toRemove = total - max;
    switch (strategy) {
      case LONGEST_FIRST -> {
        if (b == null) {
          a.truncate(total - toRemove, fromRight);
          return;
        }
        int n1 = a.size(), n2 = b.size();
        boolean swap = false;
        if (n1 > n2) {
          swap = true;
          int t = n1;
          n1 = n2;
          n2 = t;
        }
        n2 = n1 > max ? n1 : Math.max(n1, max - n1);
        if (n1 + n2 > max) {
          n1 = max / 2;
          n2 = n1 + max % 2;
        }
        if (swap) {
          int t = n1;
          n1 = n2;
          n2 = t;
        }
        a.truncate(n1, fromRight);
        b.truncate(n2, fromRight);
      }
      case ONLY_FIRST, ONLY_SECOND -> {
        EncodingBuilder target = strategy == Strategy.ONLY_FIRST ? a : b;
        if (target == null) throw new IllegalArgumentException("Truncation error: Second sequence not provided");
        if (target.size() > toRemove) target.truncate(target.size() - toRemove, fromRight);
        else {
          throw new IllegalArgumentException("Truncation error: Sequence to truncate too short to respect the provided max_length");
        }
      }
    }
  }
}
