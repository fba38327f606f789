package jdistill.engine.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.ReduceOp;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.backend.Storage;
import jdistill.engine.backend.UnaryOp;

/**
 * The host backend: Java arrays, Vector API kernels, and a fork-join pool over all cores (see
 * {@link Parallel}). Memory is returned to the garbage collector when a storage is released.
 */
public final class CpuBackend implements Backend {

  /** The single instance. */
  public static final CpuBackend INSTANCE = new CpuBackend();

  private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED;

  private CpuBackend() {}

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public Storage allocate(DType dtype, long numel) {
    return new CpuStorage(dtype, numel);
  }

  @Override
  public void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long count) {
    CpuStorage s = (CpuStorage) dst;
    int off = Math.toIntExact(dstOffset);
    int n = Math.toIntExact(count);
    switch (s.dtype()) {
      case F32 -> MemorySegment.copy(src, F32_LE, 0, s.floats(), off, n);
      case F64 -> MemorySegment.copy(src, F64_LE, 0, s.doubles(), off, n);
      case BF16, F16 -> MemorySegment.copy(src, I16_LE, 0, s.shorts(), off, n);
      case I32 -> MemorySegment.copy(src, I32_LE, 0, s.ints(), off, n);
      case I64 -> MemorySegment.copy(src, I64_LE, 0, s.longs(), off, n);
    }
  }

  @Override
  public void copyToHost(Storage src, long srcOffset, long count, MemorySegment dst) {
    CpuStorage s = (CpuStorage) src;
    int off = Math.toIntExact(srcOffset);
    int n = Math.toIntExact(count);
    switch (s.dtype()) {
      case F32 -> MemorySegment.copy(s.floats(), off, dst, F32_LE, 0, n);
      case F64 -> MemorySegment.copy(s.doubles(), off, dst, F64_LE, 0, n);
      case BF16, F16 -> MemorySegment.copy(s.shorts(), off, dst, I16_LE, 0, n);
      case I32 -> MemorySegment.copy(s.ints(), off, dst, I32_LE, 0, n);
      case I64 -> MemorySegment.copy(s.longs(), off, dst, I64_LE, 0, n);
    }
  }

  @Override
  public void synchronize() {}

  @Override
  public void copy(Tensor src, Tensor dst) {
    StridedLoop loop = new StridedLoop(dst.shape(), src, dst);
    if (src.dtype() == dst.dtype()) {
      Object sa = ((CpuStorage) src.storage()).array();
      Object da = ((CpuStorage) dst.storage()).array();
      loop.forEachRow((off, step, n) -> {
        if (step[0] == 1 && step[1] == 1) {
          System.arraycopy(sa, off[0], da, off[1], n);
        } else {
          copyStrided(sa, off[0], step[0], da, off[1], step[1], n);
        }
      });
      return;
    }
    if (src.dtype() == DType.I64 && dst.dtype() == DType.I32 || src.dtype() == DType.I32 && dst.dtype() == DType.I64) {
      Access.Writer w = Access.writer(dst);
      loop.forEachRow((off, step, n) -> {
        for (int i = 0; i < n; i++) w.set(off[1] + i * step[1], Access.index(src, off[0] + i * step[0]));
      });
      return;
    }
    Access.Reader r = Access.reader(src);
    Access.Writer w = Access.writer(dst);
    loop.forEachRow((off, step, n) -> {
      for (int i = 0; i < n; i++) w.set(off[1] + i * step[1], r.get(off[0] + i * step[0]));
    });
  }

  private static void copyStrided(Object src, int so, int ss, Object dst, int doff, int ds, int n) {
    switch (src) {
      case float[] s -> {
        float[] d = (float[]) dst;
        for (int i = 0; i < n; i++) d[doff + i * ds] = s[so + i * ss];
      }
      case double[] s -> {
        double[] d = (double[]) dst;
        for (int i = 0; i < n; i++) d[doff + i * ds] = s[so + i * ss];
      }
      case short[] s -> {
        short[] d = (short[]) dst;
        for (int i = 0; i < n; i++) d[doff + i * ds] = s[so + i * ss];
      }
      case int[] s -> {
        int[] d = (int[]) dst;
        for (int i = 0; i < n; i++) d[doff + i * ds] = s[so + i * ss];
      }
      case long[] s -> {
        long[] d = (long[]) dst;
        for (int i = 0; i < n; i++) d[doff + i * ds] = s[so + i * ss];
      }
      default -> throw new IllegalStateException("unexpected storage " + src.getClass());
    }
  }

  @Override
  public void fill(Tensor dst, double value) {
    CpuStorage s = (CpuStorage) dst.storage();
    int from = Math.toIntExact(dst.offset());
    int to = from + Math.toIntExact(dst.numel());
    switch (s.dtype()) {
      case F32 -> Arrays.fill(s.floats(), from, to, (float) value);
      case F64 -> Arrays.fill(s.doubles(), from, to, value);
      case BF16 -> Arrays.fill(s.shorts(), from, to, HalfFloats.doubleToBf16(value));
      case F16 -> Arrays.fill(s.shorts(), from, to, HalfFloats.doubleToF16(value));
      case I32 -> Arrays.fill(s.ints(), from, to, (int) value);
      case I64 -> Arrays.fill(s.longs(), from, to, (long) value);
    }
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    CpuPointwise.unary(op, x, out);
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    CpuPointwise.binary(op, a, b, out);
  }

  @Override
  public void binaryScalar(BinaryOp op, Tensor a, double s, boolean scalarFirst, Tensor out) {
    CpuPointwise.binaryScalar(op, a, s, scalarFirst, out);
  }

  @Override
  public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
    CpuPointwise.where(cond, a, b, out);
  }

  @Override
  public void reduce(ReduceOp op, Tensor x, int dim, Tensor out) {
    CpuReduce.reduce(op, x, dim, out);
  }

  @Override
  public void matmul(Tensor a, Tensor b, Tensor out, boolean accumulate) {
    CpuMatmul.matmul(a, b, out, accumulate);
  }

  @Override
  public void softmax(Tensor x, boolean log, Tensor out) {
    CpuNn.softmax(x, log, out);
  }

  @Override
  public void softmaxBackward(Tensor y, Tensor dy, boolean log, Tensor dx) {
    CpuNn.softmaxBackward(y, dy, log, dx);
  }

  @Override
  public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
    CpuNn.layerNorm(x, weight, bias, eps, out, mean, rstd);
  }

  @Override
  public void layerNormBackward(Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias) {
    CpuNn.layerNormBackward(dy, x, weight, mean, rstd, dx, dweight, dbias);
  }

  @Override
  public void indexSelect(Tensor table, Tensor ids, Tensor out) {
    CpuIndexing.indexSelect(table, ids, out);
  }

  @Override
  public void indexAdd(Tensor table, Tensor ids, Tensor src) {
    CpuIndexing.indexAdd(table, ids, src);
  }

  @Override
  public void gather(Tensor x, int dim, Tensor index, Tensor out) {
    CpuIndexing.gather(x, dim, index, out);
  }

  @Override
  public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
    CpuIndexing.scatterAdd(dst, dim, index, src);
  }

  @Override
  public void dropoutMask(long seed, long offset, double p, Tensor mask) {
    CpuIndexing.dropoutMask(seed, offset, p, mask);
  }

  @Override
  public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double labelSmoothing, Tensor loss, Tensor gradLogits) {
    CpuLosses.crossEntropy(logits, targets, ignoreIndex, labelSmoothing, loss, gradLogits);
  }

  @Override
  public void softTargetLoss(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor gradStudent) {
    CpuLosses.softTargetLoss(kind, student, teacher, temperature, rowMask, loss, gradStudent);
  }

  @Override
  public double sumOfSquares(Tensor x) {
    return CpuNorm.sumOfSquares(x);
  }

  @Override
  public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp) {
    CpuAttention.forward(q, k, v, keyMask, causal, scale, out, logsumexp);
  }

  @Override
  public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp,
      Tensor dOut, Tensor dq, Tensor dk, Tensor dv) {
    CpuAttention.backward(q, k, v, keyMask, causal, scale, out, logsumexp, dOut, dq, dk, dv);
  }

  @Override
  public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor master, AdamWHyper hyper) {
    CpuAdamW.step(param, grad, m, v, master, hyper);
  }
}
