package jdistill.distill.metrics;

/**
 * Classification metrics over predicted and true class ids, matching scikit-learn's definitions
 * (including its zero-division convention: an undefined precision, recall or F1 counts as 0).
 */
public final class Classification {

  private Classification() {}

  /** Share of predictions equal to the label. */
  public static double accuracy(int[] predicted, int[] labels) {
    check(predicted, labels);
    int correct = 0;
    for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) correct++;
    return (double) correct / labels.length;
  }

  /** F1 of class {@code positive} (binary F1 with positive = 1 is the usual GLUE figure). */
  public static double f1(int[] predicted, int[] labels, int positive) {
    check(predicted, labels);
    long tp = 0, fp = 0, fn = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean p = predicted[i] == positive;
      boolean t = labels[i] == positive;
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    long denominator = 2 * tp + fp + fn;
    return denominator == 0 ? 0 : 2.0 * tp / denominator;
  }

  /** Binary F1 with class 1 positive. */
  public static double f1Binary(int[] predicted, int[] labels) {
    return f1(predicted, labels, 1);
  }

  /** Unweighted mean of per-class F1 over every class that occurs in the labels or predictions. */
  public static double f1Macro(int[] predicted, int[] labels) {
    check(predicted, labels);
    int k = classes(predicted, labels);
    boolean[] seen = new boolean[k];
    for (int i = 0; i < labels.length; i++) {
      seen[labels[i]] = true;
      seen[predicted[i]] = true;
    }
    double sum = 0;
    int n = 0;
    for (int c = 0; c < k; c++) {
      if (!seen[c]) continue;
      sum += f1(predicted, labels, c);
      n++;
    }
    return sum / n;
  }

  /**
   * Matthews correlation coefficient, in its multi-class form (Gorodkin's R_K, as scikit-learn
   * computes it); binary labels give the usual MCC. 0 when undefined (all labels or all
   * predictions one class).
   */
  public static double matthews(int[] predicted, int[] labels) {
    check(predicted, labels);
    int k = classes(predicted, labels);
    long[] t = new long[k];
    long[] p = new long[k];
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      t[labels[i]]++;
      p[predicted[i]]++;
      if (predicted[i] == labels[i]) correct++;
    }
    double s = labels.length;
    double tp = 0, tt = 0, pp = 0;
    for (int c = 0; c < k; c++) {
      tp += (double) t[c] * p[c];
      tt += (double) t[c] * t[c];
      pp += (double) p[c] * p[c];
    }
    double denominator = Math.sqrt((s * s - pp) * (s * s - tt));
    return denominator == 0 ? 0 : (correct * s - tp) / denominator;
  }

  private static int classes(int[] predicted, int[] labels) {
    int max = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || predicted[i] < 0) {
        throw new IllegalArgumentException("class ids must be >= 0; position " + i + " has label " + labels[i] + ", prediction " + predicted[i]);
      }
      max = Math.max(max, Math.max(labels[i], predicted[i]));
    }
    return max + 1;
  }

  private static void check(int[] predicted, int[] labels) {
    if (predicted.length != labels.length) {
      throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
    }
    if (labels.length == 0) throw new IllegalArgumentException("no predictions to score");
  }
}
