package jdistill.engine.cuda;

import jdistill.engine.DType;
import jdistill.engine.Device;

/**
 * What the CUDA op implementations need from a device: kernel launches on the compute stream,
 * scratch memory, device-to-device copies and the shared error flag of the index kernels. {@link
 * CudaBackend} implements it over the driver; tests implement it by recording launches, so that
 * every op's kernel names, parameter lists and launch shapes are checked without a GPU.
 */
public interface CudaExec {

  /** The device the work runs on. */
  Device device();

  /** Queues kernel {@code name} with {@code args} on the compute stream. */
  void launch(String name, Grid grid, KernelArgs args);

  /**
   * A temporary storage for one op. Release it when the op has queued its last use: memory is
   * reused only by work queued later on the same stream, so the release may come before the
   * kernels run.
   */
  CudaStorage scratch(DType dtype, long numel);

  /** Queues a copy of {@code bytes} between device addresses on the compute stream. */
  void copyDeviceToDevice(long dst, long src, long bytes);

  /**
   * The address of the device int that index kernels set to 1 when they meet an index out of
   * range; {@code kernel} is remembered so the error, raised at the next synchronisation, names it.
   */
  long errorFlag(String kernel);

  /** Streaming multiprocessors of the device (sizes grids). */
  int multiprocessors();

  /** How F32 matrix products run. */
  GemmPrecision f32Gemm();
}
