package jdistill.distill.metrics;

/** Cosine similarity of student embeddings to the teacher's, example by example. */
public final class EmbeddingSimilarity {

  private EmbeddingSimilarity() {}

  /**
   * cos(a, b) = a.b / (|a| |b|), in double; 0 when either vector is all zeros (as scikit-learn's
   * cosine_similarity gives).
   */
  public static double cosine(float[] a, int aOffset, float[] b, int bOffset, int dim) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < dim; i++) {
      double x = a[aOffset + i];
      double y = b[bOffset + i];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  /** Mean over examples of the cosine between row i of {@code student} and of {@code teacher}. */
  public static double meanCosine(float[][] student, float[][] teacher) {
    if (student.length != teacher.length) throw new IllegalArgumentException(student.length + " student embeddings for " + teacher.length + " teacher embeddings");
    if (student.length == 0) throw new IllegalArgumentException("no embeddings to compare");
    double sum = 0;
    for (int i = 0; i < student.length; i++) {
      if (student[i].length != teacher[i].length) {
        throw new IllegalArgumentException("example " + i + ": student embedding has " + student[i].length + " dims, the teacher's " + teacher[i].length);
      }
      sum += cosine(student[i], 0, teacher[i], 0, student[i].length);
    }
    return sum / student.length;
  }
}
