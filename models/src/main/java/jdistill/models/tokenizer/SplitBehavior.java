package jdistill.models.tokenizer;

/** What a split does with the pieces a pattern matched (HF's {@code SplitDelimiterBehavior}). */
public enum SplitBehavior {
  /** Matched pieces are dropped. */
  REMOVED("Removed"),
  /** Matched pieces become pieces of their own. */
  ISOLATED("Isolated"),
  /** A matched piece joins the piece before it. */
  MERGED_WITH_PREVIOUS("MergedWithPrevious"),
  /** A matched piece joins the piece after it. */
  MERGED_WITH_NEXT("MergedWithNext"),
  /** Consecutive matched pieces join into one. */
  CONTIGUOUS("Contiguous");

  private final String jsonName;

  SplitBehavior(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name in {@code tokenizer.json}. */
  public String jsonName() {
    return jsonName;
  }

  /** The behavior named {@code name} in {@code tokenizer.json}, or null. */
  public static SplitBehavior fromJson(String name) {
    for (SplitBehavior b : values()) if (b.jsonName.equals(name)) return b;
    return null;
  }
}
