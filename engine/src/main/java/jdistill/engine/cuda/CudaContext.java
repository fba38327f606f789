package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One CUDA device opened through the driver API: its primary context, a compute stream (every
 * kernel) and a copy stream (host transfers), and the properties that size launches. Opening
 * fails with a {@link CudaUnavailableException} that says why when there is no usable driver or
 * device.
 */
final class CudaContext implements AutoCloseable {

  /** Lowest compute capability the fatbin runs on (bf16 mma, cp.async, ldmatrix). */
  static final int MIN_CC = 80;

  /** The context each thread last made current through this class (an owned per-thread cache). */
  private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();

  final int index;
  final CUdevice device;
  final CUcontext context;
  final CUstream compute;
  final CUstream copy;
  final String name;
  final int multiprocessors;
  final long totalMemory;
  final int computeCapability;

  private CudaContext(int index, CUdevice device, CUcontext context, CUstream compute, CUstream copy, String name, int sms, long total, int cc) {
    this.index = index;
    this.device = device;
    this.context = context;
    this.compute = compute;
    this.copy = copy;
    this.name = name;
    this.multiprocessors = sms;
    this.totalMemory = total;
    this.computeCapability = cc;
  }

  /**
   * Initialises the driver and returns the number of devices.
   *
   * @throws CudaUnavailableException when the driver library cannot be loaded, cuInit fails or
   *     there is no device
   */
  static int deviceCount(String what) {
    int r;
    try {
      r = cuInit(0);
    } catch (LinkageError | jcuda.CudaException e) {
      throw new CudaUnavailableException("no CUDA driver/device found for " + what + ": the NVIDIA driver library (libcuda.so.1) could not be loaded through JCuda ("
          + rootMessage(e) + "); install the NVIDIA driver on a machine with a GPU, or run on the CPU", e);
    }
    if (r != 0) {
      throw new CudaUnavailableException("no CUDA driver/device found for " + what + ": cuInit failed with " + Driver.describe(r)
          + " (no GPU visible, or a driver too old for CUDA 12); check nvidia-smi, or run on the CPU");
    }
    int[] count = {0};
    Driver.check(cuDeviceGetCount(count), "cuDeviceGetCount");
    if (count[0] == 0) throw new CudaUnavailableException("no CUDA driver/device found for " + what + ": the driver reports no CUDA devices");
    return count[0];
  }

  /** Opens device {@code index}: primary context, streams, properties. */
  static CudaContext open(int index) {
    String what = "cuda:" + index;
    int count = deviceCount(what);
    if (index >= count) {
      throw new CudaUnavailableException("CUDA device " + what + " does not exist: the driver reports " + count + " device(s) (cuda:0" + (count > 1 ? " .. cuda:" + (count - 1) : "") + ")");
    }
    CUdevice dev = new CUdevice();
    Driver.check(cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
    byte[] nameBytes = new byte[256];
    Driver.check(cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName(" + index + ")");
    int len = 0;
    while (len < nameBytes.length && nameBytes[len] != 0) len++;
    String name = new String(nameBytes, 0, len, StandardCharsets.UTF_8);
    int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "multiprocessor count");
    int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability");
    int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability");
    int cc = major * 10 + minor;
    if (cc < MIN_CC) {
      throw new CudaUnavailableException(what + " (" + name + ") has compute capability " + major + "." + minor
          + "; the jdistill kernels need 8.0 or newer (Ampere, Hopper or later: bf16 tensor cores, cp.async)");
    }
    long[] total = {0};
    Driver.check(cuDeviceTotalMem(total, dev), "cuDeviceTotalMem(" + index + ")");
    CUcontext ctx = new CUcontext();
    Driver.check(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain(" + what + ")");
    try {
      Driver.check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent(" + what + ")");
      CURRENT.set(ctx);
      CUstream compute = new CUstream();
      CUstream copy = new CUstream();
      Driver.check(cuStreamCreate(compute, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(compute, " + what + ")");
      Driver.check(cuStreamCreate(copy, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(copy, " + what + ")");
      return new CudaContext(index, dev, ctx, compute, copy, name, sms, total[0], cc);
    } catch (RuntimeException e) {
      CURRENT.remove();
      cuDevicePrimaryCtxRelease(dev);
      throw e;
    }
  }

  private static int attribute(CUdevice dev, int attribute, String what) {
    int[] v = {0};
    Driver.check(cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + what + ")");
    return v[0];
  }

  /** Makes this context current on the calling thread (cheap when it already is). */
  void makeCurrent() {
    if (CURRENT.get() != context) {
      Driver.check(cuCtxSetCurrent(context), "cuCtxSetCurrent(cuda:" + index + ")");
      CURRENT.set(context);
    }
  }

  /** An event without timing, for ordering streams. */
  CUevent newEvent() {
    makeCurrent();
    CUevent e = new CUevent();
    Driver.check(cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    return e;
  }

  /** "cuda:0 (NVIDIA H100 80GB HBM3, 132 SMs, 79.1 GiB, sm_90)". */
  String describe() {
    return "cuda:" + index + " (" + name + ", " + multiprocessors + " SMs, " + AllocatorStats.bytes(totalMemory) + ", sm_" + computeCapability + ")";
  }

  @Override
  public void close() {
    makeCurrent();
    cuStreamDestroy(compute);
    cuStreamDestroy(copy);
    cuDevicePrimaryCtxRelease(device);
    CURRENT.remove();
  }

  /** The innermost cause's message, on one line. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = String.valueOf(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
