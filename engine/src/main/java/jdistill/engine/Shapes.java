package jdistill.engine;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor and its ops: sizes, contiguous strides, broadcasting. */
public final class Shapes {

  private Shapes() {}

  /** Number of elements of a shape (1 for a scalar), as a long. */
  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** Row-major strides of a contiguous tensor of this shape. */
  public static int[] contiguousStrides(int[] shape) {
    int[] strides = new int[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = (int) s;
      s *= Math.max(shape[i], 1);
    }
    return strides;
  }

  /** The broadcast shape of two shapes (numpy rules), or an error naming both. */
  public static int[] broadcast(int[] a, int[] b) {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i < n - a.length ? 1 : a[i - (n - a.length)];
      int db = i < n - b.length ? 1 : b[i - (n - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " cannot be broadcast together (dim " + i + ": " + da + " vs " + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Normalises a possibly negative dimension index against a rank, or throws naming both. */
  public static int dim(int dim, int rank) {
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= Math.max(rank, 1) && !(rank == 0 && d == 0)) {
      throw new IllegalArgumentException("dimension " + dim + " out of range for a tensor of rank " + rank);
    }
    return d;
  }

  /** Human-readable shape, e.g. [2, 3]. */
  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
