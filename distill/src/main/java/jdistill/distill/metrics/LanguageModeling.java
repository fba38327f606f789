package jdistill.distill.metrics;

/** Language-modelling and teacher-student figures from counts accumulated over an evaluation. */
public final class LanguageModeling {

  private LanguageModeling() {}

  /**
   * exp(mean negative log-likelihood per token), from the summed NLL (natural log) and the number
   * of predicted tokens; NaN when no token was counted.
   */
  public static double perplexity(double nllSum, long tokens) {
    if (tokens < 0) throw new IllegalArgumentException("token count must be >= 0, got " + tokens);
    if (nllSum < 0) throw new IllegalArgumentException("a summed negative log-likelihood is >= 0, got " + nllSum);
    return tokens == 0 ? Double.NaN : Math.exp(nllSum / tokens);
  }

  /** Share of counted positions where the student's argmax equals the teacher's; NaN when none. */
  public static double agreement(long matches, long counted) {
    if (matches < 0 || matches > counted) throw new IllegalArgumentException("matches must be in [0, counted], got " + matches + " of " + counted);
    return counted == 0 ? Double.NaN : (double) matches / counted;
  }

  /**
   * Counts the positions where {@code student[i] == teacher[i]} among those with
   * {@code counted[i] != 0} (all when {@code counted} is null); returns {matches, counted}.
   */
  public static long[] agreementCounts(long[] student, long[] teacher, long[] counted) {
    if (student.length != teacher.length || counted != null && counted.length != student.length) {
      throw new IllegalArgumentException("lengths differ: student " + student.length + ", teacher " + teacher.length + (counted == null ? "" : ", counted " + counted.length));
    }
    long m = 0, n = 0;
    for (int i = 0; i < student.length; i++) {
      if (counted != null && counted[i] == 0) continue;
      n++;
      if (student[i] == teacher[i]) m++;
    }
    return new long[] {m, n};
  }
}
