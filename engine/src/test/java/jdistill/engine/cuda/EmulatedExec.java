package jdistill.engine.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;
import jdistill.engine.cpu.HalfFloats;

/**
 * A {@link CudaExec} that runs launches on host memory with a Java model of each kernel, written
 * from kernels/src/main/cuda/ABI.md (not from the Java launch code): the elementwise kernels the
 * CUDA ops use, the squared-norm kernels and the attention kernels with their own top-left causal
 * mask, strides, key mask, lse and delta conventions. It checks what a recording cannot: that the
 * launches of a multi-kernel recipe (CudaAttention's end-aligned causal split and merge) compute
 * the right numbers. New allocations are filled with NaN bytes, like uninitialised device memory.
 */
final class EmulatedExec implements CudaExec {

  /** Device memory backed by host arrays, one per allocation, found by address. */
  static final class Memory implements DeviceMemory {
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
    private long next = 0x7f00_0000_0000L;

    @Override
    public long allocate(long bytes) {
      long address = next;
      next += (bytes + 255) / 256 * 256 + 256;
      byte[] b = new byte[Math.toIntExact(bytes)];
      java.util.Arrays.fill(b, (byte) 0xFF); // NaN in every float format
      blocks.put(address, b);
      return address;
    }

    @Override
    public void free(long address) {
      if (blocks.remove(address) == null) throw new IllegalStateException("free of unknown address 0x" + Long.toHexString(address));
    }

    @Override
    public String describe() {
      return "emulated device";
    }

    ByteBuffer at(long address, int bytes) {
      Map.Entry<Long, byte[]> e = blocks.floorEntry(address);
      if (e == null || address + bytes > e.getKey() + e.getValue().length) {
        throw new IndexOutOfBoundsException("emulated device: access of " + bytes + " bytes at 0x" + Long.toHexString(address) + " outside every allocation");
      }
      return ByteBuffer.wrap(e.getValue(), (int) (address - e.getKey()), bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  final Memory memory = new Memory();
  final CachingAllocator allocator = new CachingAllocator(memory);
  final List<String> launched = new ArrayList<>();

  @Override
  public Device device() {
    return Device.cuda(0);
  }

  @Override
  public CudaStorage scratch(DType dtype, long numel) {
    return new CudaStorage(device(), dtype, numel, allocator);
  }

  @Override
  public void copyDeviceToDevice(long dst, long src, long bytes) {
    int n = Math.toIntExact(bytes);
    byte[] tmp = new byte[n];
    memory.at(src, n).get(tmp);
    memory.at(dst, n).put(tmp);
  }

  @Override
  public long errorFlag(String kernel) {
    throw new UnsupportedOperationException("no index kernels in the emulation");
  }

  @Override
  public int multiprocessors() {
    return 132;
  }

  @Override
  public GemmPrecision f32Gemm() {
    return GemmPrecision.FP32;
  }

  // ---- host <-> emulated device -------------------------------------------------------------------

  /** A contiguous device copy of a CPU tensor. */
  Tensor upload(Tensor cpu) {
    int[] shape = cpu.shape();
    Tensor t = new Tensor(scratch(cpu.dtype(), Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
    double[] v = cpu.toDoubleArray();
    long base = CudaStorage.addressOf(t);
    for (int i = 0; i < v.length; i++) write(base, cpu.dtype(), i, v[i]);
    return t;
  }

  /** An uninitialised (NaN) contiguous device tensor. */
  Tensor empty(DType dtype, int... shape) {
    return new Tensor(scratch(dtype, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
  }

  /** The elements of a device view, row-major, as doubles. */
  double[] download(Tensor t) {
    int n = Math.toIntExact(t.numel());
    double[] out = new double[n];
    int[] shape = t.shape();
    int[] st = t.strides();
    long base = CudaStorage.addressOf(t);
    for (int i = 0; i < n; i++) {
      long off = 0;
      int rem = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        off += (long) (rem % shape[d]) * st[d];
        rem /= shape[d];
      }
      out[i] = read(base, t.dtype(), off);
    }
    return out;
  }

  double read(long base, DType dtype, long index) {
    int size = dtype.byteSize();
    ByteBuffer b = memory.at(base + index * size, size);
    return switch (dtype) {
      case F32 -> b.getFloat(b.position());
      case F64 -> b.getDouble(b.position());
      case BF16 -> HalfFloats.bf16ToFloat(b.getShort(b.position()));
      case F16 -> HalfFloats.f16ToFloat(b.getShort(b.position()));
      case I32 -> b.getInt(b.position());
      case I64 -> b.getLong(b.position());
    };
  }

  void write(long base, DType dtype, long index, double v) {
    int size = dtype.byteSize();
    ByteBuffer b = memory.at(base + index * size, size);
    int p = b.position();
    switch (dtype) {
      case F32 -> b.putFloat(p, (float) v);
      case F64 -> b.putDouble(p, v);
      case BF16 -> b.putShort(p, HalfFloats.floatToBf16((float) v));
      case F16 -> b.putShort(p, HalfFloats.floatToF16((float) v));
      case I32 -> b.putInt(p, (int) v);
      case I64 -> b.putLong(p, (long) v);
    }
  }

  // ---- kernels ----------------------------------------------------------------------------------------

  @Override
  public void launch(String name, Grid grid, KernelArgs args) {
    launched.add(name);
    List<KernelArgs.Arg> a = args.args();
    DType t = name.contains("bf16") ? DType.BF16 : DType.F32;
    if (name.equals("fill")) {
      long n = l(a, 0);
      long dst = l(a, 1);
      DType dt = DType.values()[i(a, 2)];
      for (long e = 0; e < n; e++) write(dst, dt, e, d(a, 3));
    } else if (name.equals("copy_strided")) {
      long n = l(a, 0);
      long[] shape = Strided.shape(a, 1);
      DType sd = DType.values()[i(a, 4)];
      DType dd = DType.values()[i(a, 7)];
      for (long e = 0; e < n; e++) {
        write(l(a, 6), dd, Strided.offset(e, shape, dims(a, 8)), read(l(a, 3), sd, Strided.offset(e, shape, dims(a, 5))));
      }
    } else if (name.startsWith("unary_strided_")) {
      UnaryOp op = UnaryOp.values()[i(a, 0)];
      long[] shape = Strided.shape(a, 2);
      for (long e = 0; e < l(a, 1); e++) write(l(a, 6), t, e, round(t, unary(op, read(l(a, 4), t, Strided.offset(e, shape, dims(a, 5))))));
    } else if (name.startsWith("unary_")) {
      UnaryOp op = UnaryOp.values()[i(a, 0)];
      for (long e = 0; e < l(a, 1); e++) write(l(a, 3), t, e, round(t, unary(op, read(l(a, 2), t, e))));
    } else if (name.startsWith("binary_scalar_strided_")) {
      BinaryOp op = BinaryOp.values()[i(a, 0)];
      long[] shape = Strided.shape(a, 2);
      double s = (float) d(a, 6);
      for (long e = 0; e < l(a, 1); e++) {
        double x = read(l(a, 4), t, Strided.offset(e, shape, dims(a, 5)));
        write(l(a, 8), t, e, round(t, i(a, 7) == 1 ? binary(op, s, x) : binary(op, x, s)));
      }
    } else if (name.startsWith("binary_scalar_")) {
      BinaryOp op = BinaryOp.values()[i(a, 0)];
      double s = (float) d(a, 3);
      for (long e = 0; e < l(a, 1); e++) {
        double x = read(l(a, 2), t, e);
        write(l(a, 5), t, e, round(t, i(a, 4) == 1 ? binary(op, s, x) : binary(op, x, s)));
      }
    } else if (name.startsWith("binary_strided_")) {
      BinaryOp op = BinaryOp.values()[i(a, 0)];
      long[] shape = Strided.shape(a, 2);
      for (long e = 0; e < l(a, 1); e++) {
        double x = read(l(a, 4), t, Strided.offset(e, shape, dims(a, 5)));
        double y = read(l(a, 6), t, Strided.offset(e, shape, dims(a, 7)));
        write(l(a, 8), t, e, round(t, binary(op, x, y)));
      }
    } else if (name.startsWith("binary_")) {
      BinaryOp op = BinaryOp.values()[i(a, 0)];
      for (long e = 0; e < l(a, 1); e++) write(l(a, 4), t, e, round(t, binary(op, read(l(a, 2), t, e), read(l(a, 3), t, e))));
    } else if (name.startsWith("sumsq_partial_")) {
      // grid-stride over elements with gridX blocks of blockX threads: element e goes to block (e mod threads) / blockX
      long threads = (long) grid.gridX() * grid.blockX();
      double[] parts = new double[grid.gridX()];
      for (long e = 0; e < l(a, 0); e++) {
        double x = read(l(a, 1), t, e);
        parts[(int) ((e % threads) / grid.blockX())] += (float) (x * x);
      }
      for (int p = 0; p < parts.length; p++) write(l(a, 2), DType.F32, p, parts[p]);
    } else if (name.equals("sumsq_finish")) {
      double s = i(a, 3) == 1 ? read(l(a, 2), DType.F32, 0) : 0;
      for (long p = 0; p < l(a, 0); p++) s += read(l(a, 1), DType.F32, p);
      write(l(a, 2), DType.F32, 0, s);
    } else if (name.startsWith("attn_")) {
      new AttnModel(this, a, t).run(name);
    } else {
      throw new UnsupportedOperationException("emulated device: no model of kernel " + name);
    }
  }

  private static double round(DType t, double v) {
    return t == DType.BF16 ? HalfFloats.bf16ToFloat(HalfFloats.floatToBf16((float) v)) : (float) v;
  }

  private static double unary(UnaryOp op, double x) {
    return switch (op) {
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case NEG -> -x;
      default -> throw new UnsupportedOperationException("emulated device: unary " + op);
    };
  }

  private static double binary(BinaryOp op, double x, double y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      case MAX -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
      case MIN -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
      default -> throw new UnsupportedOperationException("emulated device: binary " + op);
    };
  }

  static long l(List<KernelArgs.Arg> a, int i) {
    return (Long) a.get(i).value();
  }

  static int i(List<KernelArgs.Arg> a, int i) {
    return (Integer) a.get(i).value();
  }

  static double d(List<KernelArgs.Arg> a, int i) {
    return (Double) a.get(i).value();
  }

  static long[] dims(List<KernelArgs.Arg> a, int i) {
    return (long[]) a.get(i).value();
  }

  /** Element offsets of the strided kernels: shape outermost first, Dims8 strides. */
  private static final class Strided {
    static long[] shape(List<KernelArgs.Arg> a, int ndimAt) {
      return java.util.Arrays.copyOf(dims(a, ndimAt + 1), i(a, ndimAt));
    }

    static long offset(long e, long[] shape, long[] strides) {
      long off = 0;
      for (int d = shape.length - 1; d >= 0; d--) {
        off += (e % shape[d]) * strides[d];
        e /= shape[d];
      }
      return off;
    }
  }

  /**
   * The attention kernels as ABI.md defines them: q [B,H,Tq,D] etc. at (b, h, t) strides, lse and
   * delta contiguous F32 [B,H,Tq], key_mask [B,Tk] of mask_dtype (null = all), causal top-left
   * (key j visible to query i iff j <= i), a row with no visible key: o = 0, lse = -inf.
   */
  private static final class AttnModel {
    final EmulatedExec ex;
    final DType t;
    final long q, k, v, o, lse, dout, dq, dk, dv, delta, mask;
    final DType maskType;
    final int b, h, tq, tk, d;
    final double scale;
    final boolean causal;
    final long[] st;

    AttnModel(EmulatedExec ex, List<KernelArgs.Arg> a, DType t) {
      this.ex = ex;
      this.t = t;
      q = l(a, 0);
      k = l(a, 1);
      v = l(a, 2);
      o = l(a, 3);
      lse = l(a, 4);
      dout = l(a, 5);
      dq = l(a, 6);
      dk = l(a, 7);
      dv = l(a, 8);
      delta = l(a, 9);
      mask = l(a, 10);
      maskType = DType.values()[i(a, 11)];
      b = (int) l(a, 12);
      h = (int) l(a, 13);
      tq = (int) l(a, 14);
      tk = (int) l(a, 15);
      d = (int) l(a, 16);
      scale = (float) d(a, 17);
      causal = i(a, 18) == 1;
      st = (long[]) a.get(19).value();
      if (a.get(19).kind() != KernelArgs.Kind.ATTN_STRIDES) throw new IllegalArgumentException("parameter 19 must be an AttnStrides");
    }

    /** Element (bi, hi, ti, x) of tensor number {@code which} (q 0, k 1, v 2, o 3, dq 4, dk 5, dv 6, dout 7). */
    long at(int which, int bi, int hi, int ti, int x) {
      return bi * st[3 * which] + hi * st[3 * which + 1] + ti * st[3 * which + 2] + x;
    }

    double get(long base, int which, int bi, int hi, int ti, int x) {
      return ex.read(base, t, at(which, bi, hi, ti, x));
    }

    boolean visible(int bi, int i, int j) {
      if (causal && j > i) return false;
      return mask == 0 || ex.read(mask, maskType, (long) bi * tk + j) != 0;
    }

    double score(int bi, int hi, int i, int j) {
      double s = 0;
      for (int x = 0; x < d; x++) s += get(q, 0, bi, hi, i, x) * get(k, 1, bi, hi, j, x);
      return s * scale;
    }

    void run(String name) {
      for (int bi = 0; bi < b; bi++) {
        for (int hi = 0; hi < h; hi++) {
          long row0 = ((long) bi * h + hi) * tq;
          if (name.startsWith("attn_fwd_")) forward(bi, hi, row0);
          else if (name.startsWith("attn_bwd_preprocess_")) preprocess(bi, hi, row0);
          else if (name.startsWith("attn_bwd_dq_")) dq(bi, hi, row0);
          else if (name.startsWith("attn_bwd_dkdv_")) dkdv(bi, hi, row0);
          else throw new UnsupportedOperationException("emulated device: no model of kernel " + name);
        }
      }
    }

    void forward(int bi, int hi, long row0) {
      for (int i = 0; i < tq; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) if (visible(bi, i, j)) max = Math.max(max, score(bi, hi, i, j));
        double[] acc = new double[d];
        double sum = 0;
        if (max != Double.NEGATIVE_INFINITY) {
          for (int j = 0; j < tk; j++) {
            if (!visible(bi, i, j)) continue;
            double p = Math.exp(score(bi, hi, i, j) - max);
            sum += p;
            for (int x = 0; x < d; x++) acc[x] += p * get(v, 2, bi, hi, j, x);
          }
        }
        for (int x = 0; x < d; x++) ex.write(o, t, at(3, bi, hi, i, x), sum > 0 ? acc[x] / sum : 0);
        ex.write(lse, DType.F32, row0 + i, sum > 0 ? max + Math.log(sum) : Double.NEGATIVE_INFINITY);
      }
    }

    void preprocess(int bi, int hi, long row0) {
      for (int i = 0; i < tq; i++) {
        double s = 0;
        for (int x = 0; x < d; x++) s += get(o, 3, bi, hi, i, x) * get(dout, 7, bi, hi, i, x);
        ex.write(delta, DType.F32, row0 + i, s);
      }
    }

    /** dS[i][j] = P (dO_i . v_j - delta_i), P = exp(S - lse_i); 0 where hidden. */
    double[] probAndDs(int bi, int hi, long row0, int i, int j) {
      if (!visible(bi, i, j)) return new double[] {0, 0};
      double l = ex.read(lse, DType.F32, row0 + i);
      double p = Math.exp(score(bi, hi, i, j) - l);
      double dp = 0;
      for (int x = 0; x < d; x++) dp += get(dout, 7, bi, hi, i, x) * get(v, 2, bi, hi, j, x);
      return new double[] {p, p * (dp - ex.read(delta, DType.F32, row0 + i))};
    }

    void dq(int bi, int hi, long row0) {
      for (int i = 0; i < tq; i++) {
        double[] acc = new double[d];
        for (int j = 0; j < tk; j++) {
          double ds = probAndDs(bi, hi, row0, i, j)[1];
          for (int x = 0; x < d; x++) acc[x] += ds * get(k, 1, bi, hi, j, x);
        }
        for (int x = 0; x < d; x++) ex.write(dq, t, at(4, bi, hi, i, x), acc[x] * scale);
      }
    }

    void dkdv(int bi, int hi, long row0) {
      for (int j = 0; j < tk; j++) {
        double[] ak = new double[d];
        double[] av = new double[d];
        for (int i = 0; i < tq; i++) {
          double[] pd = probAndDs(bi, hi, row0, i, j);
          for (int x = 0; x < d; x++) {
            ak[x] += pd[1] * get(q, 0, bi, hi, i, x);
            av[x] += pd[0] * get(dout, 7, bi, hi, i, x);
          }
        }
        for (int x = 0; x < d; x++) {
          ex.write(dk, t, at(5, bi, hi, j, x), ak[x] * scale);
          ex.write(dv, t, at(6, bi, hi, j, x), av[x]);
        }
      }
    }
  }
}
