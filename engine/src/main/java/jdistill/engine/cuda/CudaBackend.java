package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.ReduceOp;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.backend.Storage;
import jdistill.engine.backend.UnaryOp;

/**
 * The CUDA backend: the primitive op set on one NVIDIA GPU through the JCuda driver API. It owns
 * the device's primary context, a compute stream that runs every kernel in order and a copy
 * stream for host transfers (ordered with events), the kernels of jdistill.fatbin, a {@link
 * CachingAllocator} and pinned staging buffers. F32 and BF16 are computed (F32 accumulation);
 * other dtypes can be stored and copied but not computed.
 *
 * <p>Created by {@link Backends#get(Device)} through {@link #create(int)}. System properties:
 * {@code jdistill.cuda.sync=true} synchronises after every launch and names the kernel that
 * failed (slow, for debugging); {@code jdistill.cuda.f32gemm=tf32|fp32} picks how F32 matrix
 * products run (default tf32, see {@link GemmPrecision}).
 */
public final class CudaBackend implements Backend, CudaExec {

  private static final System.Logger LOG = System.getLogger(CudaBackend.class.getName());

  private final Device device;
  private final CudaContext ctx;
  private final KernelModule module;
  private final CachingAllocator allocator;
  private final Transfers transfers;
  private final CudaStorage errorFlag;
  private final Set<String> flagKernels = ConcurrentHashMap.newKeySet();
  private final boolean syncEachLaunch;
  private final String gemmPath;
  private volatile GemmPrecision f32Gemm;

  private CudaBackend(CudaContext ctx, KernelModule module) {
    this.ctx = ctx;
    this.device = Device.cuda(ctx.index);
    this.module = module;
    this.allocator = new CachingAllocator(new DriverDeviceMemory(ctx));
    this.transfers = new Transfers(ctx);
    this.syncEachLaunch = Boolean.getBoolean("jdistill.cuda.sync");
    this.f32Gemm = GemmPrecision.parse(System.getProperty("jdistill.cuda.f32gemm", "tf32"), "system property jdistill.cuda.f32gemm");
    this.errorFlag = new CudaStorage(device, DType.I32, 1, allocator);
    Driver.check(cuMemsetD32Async(Driver.at(errorFlag.address()), 0, 1, ctx.compute), "cuMemsetD32Async(error flag)");
    this.gemmPath = "GEMM on the project's kernels (gemm.cu: bf16 tensor cores; F32 " + f32Gemm + "); " + CublasProbe.probe();
  }

  /**
   * Opens CUDA device {@code deviceIndex} (what {@link Backends} calls).
   *
   * @throws CudaUnavailableException when there is no driver, no such device, or the kernels were not built
   */
  public static Backend create(int deviceIndex) {
    CudaContext ctx = CudaContext.open(deviceIndex);
    try {
      KernelModule module = KernelModule.load(ctx, KernelImage.load());
      CudaBackend b = new CudaBackend(ctx, module);
      LOG.log(System.Logger.Level.INFO, "CUDA backend on {0}: {1}; {2}{3}", ctx.describe(), module.describe(), b.gemmPath,
          b.syncEachLaunch ? "; synchronising after every launch (jdistill.cuda.sync=true)" : "");
      return b;
    } catch (RuntimeException | Error e) {
      try {
        ctx.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * True when cuda:0 can be used: a driver, a device of compute capability 8.0+, and built
   * kernels. Other failures (a broken installation) are thrown, not hidden.
   */
  public static boolean isAvailable() {
    return unavailableReason() == null;
  }

  /** Why cuda:0 cannot be used, or null when it can. */
  public static String unavailableReason() {
    try {
      Backends.get(Device.cuda(0));
      return null;
    } catch (CudaUnavailableException e) {
      return e.getMessage();
    }
  }

  // ---- CUDA-specific API ----------------------------------------------------------------------

  /** The allocator's statistics. */
  public AllocatorStats memoryStats() {
    return allocator.stats();
  }

  /** Returns cached device memory to the driver (after finishing queued work). */
  public void emptyCache() {
    synchronize();
    allocator.emptyCache();
  }

  /** Starts a new peak-memory measurement. */
  public void resetPeakMemory() {
    allocator.resetPeak();
  }

  /** Sets how F32 matrix products run on this backend from now on. */
  public void setF32Gemm(GemmPrecision precision) {
    this.f32Gemm = java.util.Objects.requireNonNull(precision);
  }

  /** A page-locked host buffer for fast asynchronous copies; close it when done. */
  public PinnedBuffer allocatePinned(long bytes) {
    return new PinnedBuffer(ctx, bytes);
  }

  /**
   * Queues a copy of {@code count} elements from pinned memory into {@code dst} at element
   * {@code dstOffset} and returns at once; kernels queued afterwards see the data. Do not reuse the
   * pinned bytes before {@link #synchronize()} (or a later copy to the host).
   */
  public void copyFromPinnedAsync(PinnedBuffer src, long srcByteOffset, Storage dst, long dstOffset, long count) {
    CudaStorage s = storage(dst);
    checkRange(s, dstOffset, count);
    long bytes = count * s.dtype().byteSize();
    if (srcByteOffset < 0 || srcByteOffset + bytes > src.byteSize()) {
      throw new IndexOutOfBoundsException("pinned range [" + srcByteOffset + ", " + (srcByteOffset + bytes) + ") outside a buffer of " + src.byteSize() + " bytes");
    }
    transfers.pinnedToDeviceAsync(src, srcByteOffset, s.address() + dstOffset * s.dtype().byteSize(), bytes);
  }

  /** The device and the kernels, for logs. */
  public String describe() {
    return ctx.describe() + "; " + module.describe() + "; " + gemmPath;
  }

  /** Frees everything this backend holds. Only for backends made with {@link #create} and not registered in {@link Backends}. */
  public void close() {
    synchronize();
    errorFlag.release();
    allocator.releaseAll();
    transfers.close();
    module.close();
    ctx.close();
  }

  // ---- CudaExec ---------------------------------------------------------------------------------

  @Override
  public void launch(String name, Grid g, KernelArgs args) {
    ctx.makeCurrent();
    CUfunction f = module.function(name);
    module.allowShared(name, f, g.sharedBytes());
    Pointer params = args.pack();
    Driver.check(cuLaunchKernel(f, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ(), g.sharedBytes(), ctx.compute, params, null),
        "cuLaunchKernel(" + name + ", " + g + ")");
    if (syncEachLaunch) {
      Driver.check(cuStreamSynchronize(ctx.compute), "kernel " + name + " " + g + " with " + args + " (synchronised after launch, jdistill.cuda.sync=true)");
      checkErrorFlag();
    }
    // the tensors' storages stay reachable (not returned to the allocator) until the launch is queued
    java.lang.ref.Reference.reachabilityFence(args);
  }

  @Override
  public CudaStorage scratch(DType dtype, long numel) {
    return new CudaStorage(device, dtype, numel, allocator);
  }

  @Override
  public void copyDeviceToDevice(long dst, long src, long bytes) {
    if (bytes == 0) return;
    ctx.makeCurrent();
    Driver.check(cuMemcpyDtoDAsync(Driver.at(dst), Driver.at(src), bytes, ctx.compute), "cuMemcpyDtoDAsync(" + bytes + " bytes)");
  }

  @Override
  public long errorFlag(String kernel) {
    flagKernels.add(kernel);
    return errorFlag.address();
  }

  @Override
  public int multiprocessors() {
    return ctx.multiprocessors;
  }

  @Override
  public GemmPrecision f32Gemm() {
    return f32Gemm;
  }

  /** Reads the index-error flag when an index kernel ran since the last check; throws if it is set. */
  private void checkErrorFlag() {
    if (flagKernels.isEmpty()) return;
    ctx.makeCurrent();
    // the flag is read synchronously into a Java array (JCuda cannot copy asynchronously into
    // one) once every kernel queued so far has finished
    int[] flag = {0};
    Driver.check(cuStreamSynchronize(ctx.compute), "cuStreamSynchronize(compute)" + Transfers.HINT);
    Driver.check(cuMemcpyDtoH(Pointer.to(flag), Driver.at(errorFlag.address()), 4), "cuMemcpyDtoH(error flag)");
    Set<String> kernels = new TreeSet<>(flagKernels);
    flagKernels.clear();
    if (flag[0] != 0) {
      Driver.check(cuMemsetD32Async(Driver.at(errorFlag.address()), 0, 1, ctx.compute), "cuMemsetD32Async(error flag)");
      throw new IndexOutOfBoundsException("an index was out of range in a CUDA kernel on " + device + " (one of " + kernels
          + " since the last synchronisation): embedding ids outside [0, rows) or gather/scatter indices outside the dim; "
          + "rerun with -Djdistill.cuda.sync=true to stop at the first one");
    }
  }

  // ---- Backend: memory ------------------------------------------------------------------------

  @Override
  public Device device() {
    return device;
  }

  @Override
  public Storage allocate(DType dtype, long numel) {
    return new CudaStorage(device, dtype, numel, allocator);
  }

  @Override
  public void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long count) {
    CudaStorage s = storage(dst);
    checkRange(s, dstOffset, count);
    int es = s.dtype().byteSize();
    transfers.hostToDevice(src, s.address() + dstOffset * es, count * es);
  }

  @Override
  public void copyToHost(Storage src, long srcOffset, long count, MemorySegment dst) {
    CudaStorage s = storage(src);
    checkRange(s, srcOffset, count);
    int es = s.dtype().byteSize();
    transfers.deviceToHost(s.address() + srcOffset * es, count * es, dst);
    checkErrorFlag();
  }

  @Override
  public void synchronize() {
    ctx.makeCurrent();
    Driver.check(cuStreamSynchronize(ctx.compute), "cuStreamSynchronize(compute)" + Transfers.HINT);
    Driver.check(cuStreamSynchronize(ctx.copy), "cuStreamSynchronize(copy)" + Transfers.HINT);
    checkErrorFlag();
  }

  private CudaStorage storage(Storage s) {
    if (s instanceof CudaStorage c && c.device().equals(device)) return c;
    throw new IllegalArgumentException("storage on " + s.device() + " passed to the backend of " + device);
  }

  private static void checkRange(CudaStorage s, long offset, long count) {
    if (offset < 0 || count < 0 || offset + count > s.size()) {
      throw new IndexOutOfBoundsException("elements [" + offset + ", " + (offset + count) + ") outside a " + s.dtype() + " storage of " + s.size());
    }
  }

  // ---- Backend: ops -------------------------------------------------------------------------------

  @Override
  public void copy(Tensor src, Tensor dst) {
    CudaPointwise.copy(this, src, dst);
  }

  @Override
  public void fill(Tensor dst, double value) {
    CudaPointwise.fill(this, dst, value);
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    CudaPointwise.unary(this, op, x, out);
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    CudaPointwise.binary(this, op, a, b, out);
  }

  @Override
  public void binaryScalar(BinaryOp op, Tensor a, double s, boolean scalarFirst, Tensor out) {
    CudaPointwise.binaryScalar(this, op, a, s, scalarFirst, out);
  }

  @Override
  public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
    CudaPointwise.where(this, cond, a, b, out);
  }

  @Override
  public void reduce(ReduceOp op, Tensor x, int dim, Tensor out) {
    CudaReduce.reduce(this, op, x, dim, out);
  }

  @Override
  public void matmul(Tensor a, Tensor b, Tensor out, boolean accumulate) {
    CudaMatmul.matmul(this, a, b, out, accumulate);
  }

  @Override
  public void softmax(Tensor x, boolean log, Tensor out) {
    CudaNn.softmax(this, x, log, out);
  }

  @Override
  public void softmaxBackward(Tensor y, Tensor dy, boolean log, Tensor dx) {
    CudaNn.softmaxBackward(this, y, dy, log, dx);
  }

  @Override
  public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
    CudaNn.layerNorm(this, x, weight, bias, eps, out, mean, rstd);
  }

  @Override
  public void layerNormBackward(Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias) {
    CudaNn.layerNormBackward(this, dy, x, weight, mean, rstd, dx, dweight, dbias);
  }

  @Override
  public void indexSelect(Tensor table, Tensor ids, Tensor out) {
    CudaIndexing.indexSelect(this, table, ids, out);
  }

  @Override
  public void indexAdd(Tensor table, Tensor ids, Tensor src) {
    CudaIndexing.indexAdd(this, table, ids, src);
  }

  @Override
  public void gather(Tensor x, int dim, Tensor index, Tensor out) {
    CudaIndexing.gather(this, x, dim, index, out);
  }

  @Override
  public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
    CudaIndexing.scatterAdd(this, dst, dim, index, src);
  }

  @Override
  public void dropoutMask(long seed, long offset, double p, Tensor mask) {
    CudaIndexing.dropoutMask(this, seed, offset, p, mask);
  }

  @Override
  public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, double labelSmoothing, Tensor loss, Tensor gradLogits) {
    CudaLosses.crossEntropy(this, logits, targets, ignoreIndex, labelSmoothing, loss, gradLogits);
  }

  @Override
  public void softTargetLoss(SoftTargetLoss kind, Tensor student, Tensor teacher, double temperature, Tensor rowMask, Tensor loss, Tensor gradStudent) {
    CudaLosses.softTargetLoss(this, kind, student, teacher, temperature, rowMask, loss, gradStudent);
  }

  @Override
  public double sumOfSquares(Tensor x) {
    CudaStorage result = new CudaStorage(device, DType.F32, 1, allocator);
    try {
      CudaNorm.sumOfSquares(this, x, new Tensor(result, new int[] {1}, new int[] {1}, 0), false);
      float[] host = new float[1];
      copyToHost(result, 0, 1, MemorySegment.ofArray(host));
      return host[0];
    } finally {
      result.release();
    }
  }

  @Override
  public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp) {
    CudaAttention.forward(this, q, k, v, keyMask, causal, scale, out, logsumexp);
  }

  @Override
  public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, double scale, Tensor out, Tensor logsumexp,
      Tensor dOut, Tensor dq, Tensor dk, Tensor dv) {
    CudaAttention.backward(this, q, k, v, keyMask, causal, scale, out, logsumexp, dOut, dq, dk, dv);
  }

  @Override
  public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor master, AdamWHyper hyper) {
    CudaAdamW.step(this, param, grad, m, v, master, hyper);
  }

  @Override
  public String toString() {
    return "CudaBackend[" + ctx.describe() + "]";
  }
}
