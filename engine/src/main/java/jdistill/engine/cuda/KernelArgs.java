package jdistill.engine.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Storage;

/**
 * The parameters of one kernel launch, in order, each with its C type: 32-bit int, 64-bit integer
 * (i64 or u64), float, double, a device pointer (8 bytes, 0 for null), a {@code Dims8} struct
 * (8 int64 by value, as common.cuh declares it) or an {@code AttnStrides} struct (24 int64 by
 * value, attention.cu). Built fluently, then packed for cuLaunchKernel by
 * {@link #pack()}; kept as plain values so that launches can be recorded and checked without a GPU.
 */
public final class KernelArgs {

  /** The C type of one parameter. */
  public enum Kind {
    I32,
    I64,
    F32,
    F64,
    PTR,
    DIMS8,
    ATTN_STRIDES
  }

  /** One parameter: its kind and value (Integer, Long, Float, Double, Long address, long[8], long[24]). */
  public record Arg(Kind kind, Object value) {
    @Override
    public String toString() {
      return switch (kind) {
        case PTR -> "ptr 0x" + Long.toHexString((Long) value);
        case DIMS8 -> "dims" + java.util.Arrays.toString((long[]) value);
        case ATTN_STRIDES -> "attnStrides" + java.util.Arrays.toString((long[]) value);
        default -> kind.name().toLowerCase(java.util.Locale.ROOT) + " " + value;
      };
    }
  }

  /** Number of entries in a {@code Dims8}. */
  public static final int MAX_DIMS = 8;
  /** Number of entries in an {@code AttnStrides}: (batch, head, time) strides of 8 tensors. */
  public static final int ATTN_STRIDES = 24;

  private final List<Arg> args = new ArrayList<>();
  /**
   * The storages behind the tensor pointers: once an address is taken, the tensor may be otherwise
   * unreachable, and its storage's cleaner must not return the block before the launch is queued.
   */
  private final List<Storage> referenced = new ArrayList<>();

  /** An empty parameter list. */
  public KernelArgs() {}

  public KernelArgs i32(int v) {
    args.add(new Arg(Kind.I32, v));
    return this;
  }

  /** A 32-bit flag (0 or 1). */
  public KernelArgs bool(boolean v) {
    return i32(v ? 1 : 0);
  }

  public KernelArgs i64(long v) {
    args.add(new Arg(Kind.I64, v));
    return this;
  }

  public KernelArgs f32(float v) {
    args.add(new Arg(Kind.F32, v));
    return this;
  }

  public KernelArgs f64(double v) {
    args.add(new Arg(Kind.F64, v));
    return this;
  }

  /** A device address (0 for a null pointer). */
  public KernelArgs ptr(long address) {
    args.add(new Arg(Kind.PTR, address));
    return this;
  }

  /** The address of {@code t}'s first element (its storage address plus its offset). */
  public KernelArgs ptr(Tensor t) {
    referenced.add(t.storage());
    return ptr(CudaStorage.addressOf(t));
  }

  /** Like {@link #ptr(Tensor)}, or a null pointer when {@code t} is null. */
  public KernelArgs ptrOrNull(Tensor t) {
    return t == null ? ptr(0L) : ptr(t);
  }

  /** A {@code Dims8}: up to 8 values, the rest zero. */
  public KernelArgs dims(long[] values) {
    if (values.length > MAX_DIMS) throw new IllegalArgumentException("a Dims8 holds at most 8 values, got " + values.length);
    args.add(new Arg(Kind.DIMS8, java.util.Arrays.copyOf(values, MAX_DIMS)));
    return this;
  }

  /**
   * An {@code AttnStrides}: exactly 24 values, the (batch, head, time) strides in elements of q, k,
   * v, o, dq, dk, dv, dout in that order (0 for a tensor a kernel does not use).
   */
  public KernelArgs attnStrides(long[] values) {
    if (values.length != ATTN_STRIDES) throw new IllegalArgumentException("an AttnStrides holds exactly " + ATTN_STRIDES + " values, got " + values.length);
    args.add(new Arg(Kind.ATTN_STRIDES, values.clone()));
    return this;
  }

  /** The parameters in order. */
  public List<Arg> args() {
    return Collections.unmodifiableList(args);
  }

  /** The kinds in order (what a kernel signature is checked against). */
  public List<Kind> kinds() {
    return args.stream().map(Arg::kind).toList();
  }

  /** Total bytes of the parameters as the C ABI lays them out (with natural alignment). */
  public int abiBytes() {
    int off = 0;
    for (Arg a : args) {
      int size = switch (a.kind()) {
        case I32, F32 -> 4;
        case I64, F64, PTR -> 8;
        case DIMS8 -> 64;
        case ATTN_STRIDES -> 8 * ATTN_STRIDES;
      };
      int align = Math.min(size, 8);
      off = (off + align - 1) / align * align + size;
    }
    return off;
  }

  /**
   * The {@code kernelParams} array of cuLaunchKernel: one pointer per parameter, pointing at a
   * host copy of its value (a pointer parameter is its 8-byte address; a Dims8 its 64 bytes, an
   * AttnStrides its 192).
   */
  public jcuda.Pointer pack() {
    jcuda.Pointer[] ps = new jcuda.Pointer[args.size()];
    for (int i = 0; i < ps.length; i++) {
      Arg a = args.get(i);
      ps[i] = switch (a.kind()) {
        case I32 -> jcuda.Pointer.to(new int[] {(Integer) a.value()});
        case I64, PTR -> jcuda.Pointer.to(new long[] {(Long) a.value()});
        case F32 -> jcuda.Pointer.to(new float[] {(Float) a.value()});
        case F64 -> jcuda.Pointer.to(new double[] {(Double) a.value()});
        case DIMS8, ATTN_STRIDES -> jcuda.Pointer.to(((long[]) a.value()).clone());
      };
    }
    return jcuda.Pointer.to(ps);
  }

  @Override
  public String toString() {
    return args.toString();
  }
}
