package jdistill.models.tokenizer;

/** Shows where two descriptions of an encoding first differ. */
final class Diff {
  private Diff() {}

  static String firstDifference(String want, String got) {
    int i = 0;
    while (i < want.length() && i < got.length() && want.charAt(i) == got.charAt(i)) i++;
    int from = Math.max(0, i - 80);
    return "hf:   ..." + want.substring(from, Math.min(want.length(), i + 120)) + "\n  ours: ..."
        + got.substring(from, Math.min(got.length(), i + 120));
  }
}
