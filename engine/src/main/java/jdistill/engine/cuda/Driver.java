package jdistill.engine.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * Small helpers over the JCuda driver binding: result checks that name the call, and device
 * pointers as plain {@code long} addresses (what kernels, the allocator and the tests deal in).
 */
final class Driver {

  /** CUDA_ERROR_OUT_OF_MEMORY. */
  static final int OUT_OF_MEMORY = 2;

  private Driver() {}

  /** Throws a {@link CudaException} naming {@code call} unless {@code result} is CUDA_SUCCESS. */
  static void check(int result, String call) {
    if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, call + " failed: " + describe(result));
  }

  /** "CUDA_ERROR_OUT_OF_MEMORY (2)". */
  static String describe(int result) {
    String name;
    try {
      name = CUresult.stringFor(result);
    } catch (RuntimeException e) {
      name = "CUresult";
    }
    return name + " (" + result + ")";
  }

  /** A CUdeviceptr for a raw device address (JCuda adds the byte offset to a null base). */
  static CUdeviceptr at(long address) {
    return new CUdeviceptr().withByteOffset(address);
  }

  /** A CUdeviceptr that exposes the address the driver wrote into it. */
  static final class DevicePtr extends CUdeviceptr {
    long address() {
      return getNativePointer() + getByteOffset();
    }
  }

  /** A host pointer that exposes the address the driver wrote into it. */
  static final class HostPtr extends jcuda.Pointer {
    long address() {
      return getNativePointer() + getByteOffset();
    }
  }
}
