package jdistill.engine.cuda;

/**
 * Raw device memory: what {@link CachingAllocator} sits on. The driver implementation calls
 * cuMemAlloc/cuMemFree; tests use a fake with a fixed capacity.
 */
public interface DeviceMemory {

  /**
   * Allocates {@code bytes} (> 0) of device memory and returns its address.
   *
   * @throws DeviceOutOfMemoryException when the device has no room
   */
  long allocate(long bytes);

  /** Frees memory returned by {@link #allocate}. */
  void free(long address);

  /**
   * Waits until no queued device work can still use memory that is about to be freed; called
   * once before cached blocks go back to the device (they may have been released while kernels
   * reading them were still queued).
   */
  default void quiesce() {}

  /** A short description of the device for messages, e.g. "cuda:0 (NVIDIA H100 80GB HBM3)". */
  String describe();
}
