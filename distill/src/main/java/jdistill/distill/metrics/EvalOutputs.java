package jdistill.distill.metrics;

import java.util.Arrays;
import jdistill.engine.Tensor;

/**
 * What an evaluation pass collected, batch by batch, for {@link Metric}s to score: class
 * predictions and labels, regression predictions and targets, summed LM loss and token count,
 * teacher-student argmax matches, and student and teacher embeddings (for their cosines). Only what the run adds
 * is present; a metric whose inputs are missing fails saying what it needs.
 */
public final class EvalOutputs {

  private int[] classPredicted = new int[0];
  private int[] classLabels = new int[0];
  private int classCount;
  private double[] regPredicted = new double[0];
  private double[] regTargets = new double[0];
  private int regCount;
  private double nllSum;
  private long nllTokens;
  private boolean hasLm;
  private long agreeMatches;
  private long agreeCounted;
  private boolean hasAgreement;
  private double cosineSum;
  private long cosineCount;
  private final java.util.List<float[]> studentRows = new java.util.ArrayList<>();
  private final java.util.List<float[]> teacherRows = new java.util.ArrayList<>();

  /** Adds predicted class ids and their labels. */
  public void addClassification(int[] predicted, int[] labels) {
    if (predicted.length != labels.length) throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
    int need = classCount + labels.length;
    if (need > classLabels.length) {
      classPredicted = Arrays.copyOf(classPredicted, Math.max(need, 2 * classLabels.length));
      classLabels = Arrays.copyOf(classLabels, classPredicted.length);
    }
    System.arraycopy(predicted, 0, classPredicted, classCount, predicted.length);
    System.arraycopy(labels, 0, classLabels, classCount, labels.length);
    classCount = need;
  }

  /** Adds the argmax of {@code logits} [B, C] as predictions for {@code labels} [B]. */
  public void addClassification(Tensor logits, Tensor labels) {
    if (logits.rank() != 2 || labels.rank() != 1 || logits.shape(0) != labels.shape(0)) {
      throw new IllegalArgumentException("expected logits [B, C] and labels [B], got " + Arrays.toString(logits.shape()) + " and " + Arrays.toString(labels.shape()));
    }
    addClassification(toInts(logits.argmax(-1, false).toLongArray()), toInts(labels.toLongArray()));
  }

  /** Adds regression predictions and their targets. */
  public void addRegression(double[] predicted, double[] targets) {
    if (predicted.length != targets.length) throw new IllegalArgumentException(predicted.length + " predictions for " + targets.length + " targets");
    int need = regCount + targets.length;
    if (need > regTargets.length) {
      regPredicted = Arrays.copyOf(regPredicted, Math.max(need, 2 * regTargets.length));
      regTargets = Arrays.copyOf(regTargets, regPredicted.length);
    }
    System.arraycopy(predicted, 0, regPredicted, regCount, predicted.length);
    System.arraycopy(targets, 0, regTargets, regCount, targets.length);
    regCount = need;
  }

  /** Adds predictions [B] or [B, 1] for targets [B]. */
  public void addRegression(Tensor predicted, Tensor targets) {
    if (predicted.numel() != targets.numel() || targets.rank() != 1) {
      throw new IllegalArgumentException("expected predictions [B] or [B, 1] and targets [B], got " + Arrays.toString(predicted.shape()) + " and " + Arrays.toString(targets.shape()));
    }
    addRegression(predicted.toDoubleArray(), targets.toDoubleArray());
  }

  /** Adds a summed negative log-likelihood (natural log) over {@code tokens} predicted tokens. */
  public void addLanguageModel(double nllSum, long tokens) {
    if (tokens < 0 || nllSum < 0) throw new IllegalArgumentException("expected nll >= 0 and tokens >= 0, got " + nllSum + " and " + tokens);
    this.nllSum += nllSum;
    this.nllTokens += tokens;
    hasLm = true;
  }

  /** Adds argmax match counts. */
  public void addAgreement(long matches, long counted) {
    if (matches < 0 || matches > counted) throw new IllegalArgumentException("matches must be in [0, counted], got " + matches + " of " + counted);
    agreeMatches += matches;
    agreeCounted += counted;
    hasAgreement = true;
  }

  /**
   * Adds the argmax agreement of student and teacher logits [..., V] (same shape) over the
   * positions where {@code counted} [...] is non-zero (every position when null).
   */
  public void addAgreement(Tensor studentLogits, Tensor teacherLogits, Tensor counted) {
    if (!Arrays.equals(studentLogits.shape(), teacherLogits.shape())) {
      throw new IllegalArgumentException("student logits " + Arrays.toString(studentLogits.shape()) + " and teacher logits " + Arrays.toString(teacherLogits.shape()) + " differ in shape");
    }
    long[] s = studentLogits.argmax(-1, false).toLongArray();
    long[] t = teacherLogits.argmax(-1, false).toLongArray();
    long[] c = counted == null ? null : counted.toLongArray();
    if (c != null && c.length != s.length) {
      throw new IllegalArgumentException("counted mask " + Arrays.toString(counted.shape()) + " does not match logits " + Arrays.toString(studentLogits.shape()) + " without the last dim");
    }
    long[] mn = LanguageModeling.agreementCounts(s, t, c);
    addAgreement(mn[0], mn[1]);
  }

  /** Adds the cosine of each row of student [B, D] with the same row of teacher [B, D]. */
  public void addEmbeddings(Tensor student, Tensor teacher) {
    if (student.rank() != 2 || !Arrays.equals(student.shape(), teacher.shape())) {
      throw new IllegalArgumentException("expected student and teacher embeddings of one shape [B, D], got " + Arrays.toString(student.shape()) + " and " + Arrays.toString(teacher.shape()));
    }
    float[] s = student.toFloatArray();
    float[] t = teacher.toFloatArray();
    int b = student.shape(0);
    int d = student.shape(1);
    for (int i = 0; i < b; i++) {
      cosineSum += EmbeddingSimilarity.cosine(s, i * d, t, i * d, d);
      studentRows.add(Arrays.copyOfRange(s, i * d, (i + 1) * d));
      teacherRows.add(Arrays.copyOfRange(t, i * d, (i + 1) * d));
    }
    cosineCount += b;
  }

  /** Predicted class ids so far (a copy). */
  public int[] classPredictions() {
    return Arrays.copyOf(classPredicted, classCount);
  }

  /** Class labels so far (a copy). */
  public int[] classLabels() {
    return Arrays.copyOf(classLabels, classCount);
  }

  public double[] regressionPredictions() {
    return Arrays.copyOf(regPredicted, regCount);
  }

  public double[] regressionTargets() {
    return Arrays.copyOf(regTargets, regCount);
  }

  public boolean hasClassification() {
    return classCount > 0;
  }

  public boolean hasRegression() {
    return regCount > 0;
  }

  public boolean hasLanguageModel() {
    return hasLm;
  }

  public boolean hasAgreement() {
    return hasAgreement;
  }

  public boolean hasEmbeddings() {
    return cosineCount > 0;
  }

  public double nllSum() {
    return nllSum;
  }

  public long nllTokens() {
    return nllTokens;
  }

  public long agreementMatches() {
    return agreeMatches;
  }

  public long agreementCounted() {
    return agreeCounted;
  }

  /** Mean cosine over the embeddings added; NaN when none. */
  public double meanCosine() {
    return cosineCount == 0 ? Double.NaN : cosineSum / cosineCount;
  }

  /**
   * Spearman correlation of the student's pairwise embedding cosines with the teacher's, over the
   * embeddings added (see {@link PairwiseSimilarity}).
   */
  public double similaritySpearman() {
    return PairwiseSimilarity.spearman(studentRows.toArray(float[][]::new), teacherRows.toArray(float[][]::new));
  }

  private static int[] toInts(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.toIntExact(v[i]);
    return out;
  }
}
