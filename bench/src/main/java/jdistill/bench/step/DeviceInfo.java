package jdistill.bench.step;

import jdistill.engine.Device;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.cuda.CudaBackend;

/** What the benchmarks say about the device they ran on, and the CUDA-only memory figures. */
public final class DeviceInfo {

  private DeviceInfo() {}

  /**
   * The reason a CUDA benchmark cannot run on {@code device}, or null when it can (the CPU always
   * gets a reason: these benchmarks measure the GPU).
   */
  public static String cudaUnavailable(Device device) {
    if (device.kind() != Device.Kind.CUDA) return "device " + device + " is not a CUDA device";
    try {
      Backends.get(device);
      return null;
    } catch (RuntimeException e) {
      return "no usable CUDA device " + device + ": " + e.getMessage();
    }
  }

  /** A one-line description: the CUDA backend's (name, SMs, memory, kernels) or the CPU's. */
  public static String describe(Device device) {
    Backend b = Backends.get(device);
    if (b instanceof CudaBackend cb) return cb.describe();
    return "cpu (" + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version() + ")";
  }

  /** Starts a new peak-memory measurement (CUDA only; no-op elsewhere). */
  public static void resetPeakMemory(Device device) {
    if (Backends.get(device) instanceof CudaBackend cb) cb.resetPeakMemory();
  }

  /** The allocator's peak bytes in use since the last reset, or -1 where not tracked (the CPU). */
  public static long peakMemoryBytes(Device device) {
    if (Backends.get(device) instanceof CudaBackend cb) return cb.memoryStats().peakInUseBytes();
    return -1;
  }
}
