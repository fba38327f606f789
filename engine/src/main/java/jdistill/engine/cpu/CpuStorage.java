package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.backend.Storage;

/**
 * Host storage: one Java array per tensor buffer (float[] for F32, double[] for F64, short[] for
 * BF16 and F16 bit patterns, int[] for I32, long[] for I64), which the Vector API reads directly.
 */
public final class CpuStorage implements Storage {

  private final DType dtype;
  private final int size;
  private Object array;

  CpuStorage(DType dtype, long numel) {
    if (numel > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a CPU tensor holds at most 2^31-9 elements, asked for " + numel);
    }
    this.dtype = dtype;
    this.size = (int) numel;
    this.array = switch (dtype) {
      case F32 -> new float[size];
      case F64 -> new double[size];
      case BF16, F16 -> new short[size];
      case I32 -> new int[size];
      case I64 -> new long[size];
    };
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void release() {
    array = null;
  }

  @Override
  public boolean isReleased() {
    return array == null;
  }

  /** The backing array; an error if the storage was released (its scope closed). */
  public Object array() {
    Object a = array;
    if (a == null) {
      throw new IllegalStateException("use of a released " + dtype + " tensor storage of " + size + " elements (its scope was closed; keep() results that must outlive a scope)");
    }
    return a;
  }

  public float[] floats() {
    return (float[]) array();
  }

  public double[] doubles() {
    return (double[]) array();
  }

  public short[] shorts() {
    return (short[]) array();
  }

  public int[] ints() {
    return (int[]) array();
  }

  public long[] longs() {
    return (long[]) array();
  }
}
