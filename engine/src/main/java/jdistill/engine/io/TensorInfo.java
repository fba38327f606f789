package jdistill.engine.io;

import java.util.Arrays;

/**
 * One tensor's header entry: its name, dtype, shape and byte range {@code [begin, end)} relative to
 * the start of the data buffer (which follows the header). Offsets are longs, so files beyond
 * 2 GiB are described exactly.
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.length;
  }

  /** Number of elements (1 for a scalar, 0 when any dimension is 0). */
  public long numel() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** Bytes the tensor occupies in the data buffer. */
  public long byteSize() {
    return end - begin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin) * 17 + Long.hashCode(end);
  }

  @Override
  public String toString() {
    return name + ": " + dtype + " " + Arrays.toString(shape) + " at [" + begin + ", " + end + ")";
  }
}
