package jdistill.engine.cpu;

import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * Element access by storage index as doubles, for the generic (any dtype, any strides) kernel
 * paths. The fast paths read the typed arrays directly instead.
 */
final class Access {

  /** Reads element {@code i} of a storage as a double. */
  interface Reader {
    double get(int i);
  }

  /** Writes element {@code i} of a storage from a double. */
  interface Writer {
    void set(int i, double v);
  }

  private Access() {}

  static Reader reader(Tensor t) {
    CpuStorage s = (CpuStorage) t.storage();
    return switch (s.dtype()) {
      case F32 -> {
        float[] a = s.floats();
        yield i -> a[i];
      }
      case F64 -> {
        double[] a = s.doubles();
        yield i -> a[i];
      }
      case BF16 -> {
        short[] a = s.shorts();
        yield i -> HalfFloats.bf16ToFloat(a[i]);
      }
      case F16 -> {
        short[] a = s.shorts();
        yield i -> HalfFloats.f16ToFloat(a[i]);
      }
      case I32 -> {
        int[] a = s.ints();
        yield i -> a[i];
      }
      case I64 -> {
        long[] a = s.longs();
        yield i -> a[i];
      }
    };
  }

  static Writer writer(Tensor t) {
    CpuStorage s = (CpuStorage) t.storage();
    return switch (s.dtype()) {
      case F32 -> {
        float[] a = s.floats();
        yield (i, v) -> a[i] = (float) v;
      }
      case F64 -> {
        double[] a = s.doubles();
        yield (i, v) -> a[i] = v;
      }
      case BF16 -> {
        short[] a = s.shorts();
        yield (i, v) -> a[i] = HalfFloats.doubleToBf16(v);
      }
      case F16 -> {
        short[] a = s.shorts();
        yield (i, v) -> a[i] = HalfFloats.doubleToF16(v);
      }
      case I32 -> {
        int[] a = s.ints();
        yield (i, v) -> a[i] = (int) v;
      }
      case I64 -> {
        long[] a = s.longs();
        yield (i, v) -> a[i] = (long) v;
      }
    };
  }

  /** Reads an index tensor element as a long (I32 or I64). */
  static long index(Tensor t, int i) {
    CpuStorage s = (CpuStorage) t.storage();
    return t.dtype() == DType.I64 ? s.longs()[i] : s.ints()[i];
  }
}
