package jdistill.engine.cpu;

/**
 * Per-thread packing buffers for {@link Gemm}, reused from call to call so that large products do
 * not allocate (and zero) megabytes each time. A buffer is checked out while in use and returned
 * afterwards; a nested or re-entrant use on the same thread finds the slot empty and allocates.
 */
final class GemmScratch {

  /** Slot of the packed (transposed) A block. */
  static final int A = 0;
  /** Slot of the packed B panels. */
  static final int B = 1;

  private static final ThreadLocal<GemmScratch> LOCAL = ThreadLocal.withInitial(GemmScratch::new);

  private final float[][] floats = new float[2][];
  private final double[][] doubles = new double[2][];

  private GemmScratch() {}

  /** A float buffer of at least {@code size} elements (contents undefined) for {@code slot}. */
  static float[] floats(int slot, int size) {
    GemmScratch s = LOCAL.get();
    float[] buf = s.floats[slot];
    s.floats[slot] = null;
    return buf != null && buf.length >= size ? buf : new float[size];
  }

  /** Gives a buffer from {@link #floats} back to this thread's cache. */
  static void release(int slot, float[] buf) {
    GemmScratch s = LOCAL.get();
    if (s.floats[slot] == null || s.floats[slot].length < buf.length) s.floats[slot] = buf;
  }

  /** A double buffer of at least {@code size} elements (contents undefined) for {@code slot}. */
  static double[] doubles(int slot, int size) {
    GemmScratch s = LOCAL.get();
    double[] buf = s.doubles[slot];
    s.doubles[slot] = null;
    return buf != null && buf.length >= size ? buf : new double[size];
  }

  /** Gives a buffer from {@link #doubles} back to this thread's cache. */
  static void release(int slot, double[] buf) {
    GemmScratch s = LOCAL.get();
    if (s.doubles[slot] == null || s.doubles[slot].length < buf.length) s.doubles[slot] = buf;
  }
}
