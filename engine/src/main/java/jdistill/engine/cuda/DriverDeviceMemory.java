package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

/** Device memory from cuMemAlloc/cuMemFree in the backend's context (the allocator's source). */
final class DriverDeviceMemory implements DeviceMemory {

  private final CudaContext context;

  DriverDeviceMemory(CudaContext context) {
    this.context = context;
  }

  @Override
  public long allocate(long bytes) {
    context.makeCurrent();
    Driver.DevicePtr p = new Driver.DevicePtr();
    int r = cuMemAlloc(p, bytes);
    if (r == Driver.OUT_OF_MEMORY) {
      throw new DeviceOutOfMemoryException(bytes, "cuMemAlloc(" + bytes + " bytes) on " + describe() + " failed: " + Driver.describe(r));
    }
    Driver.check(r, "cuMemAlloc(" + bytes + " bytes) on " + describe());
    return p.address();
  }

  @Override
  public void free(long address) {
    context.makeCurrent();
    Driver.check(cuMemFree(Driver.at(address)), "cuMemFree(0x" + Long.toHexString(address) + ") on " + describe());
  }

  @Override
  public void quiesce() {
    context.makeCurrent();
    Driver.check(cuCtxSynchronize(), "cuCtxSynchronize before freeing cached blocks on " + describe() + Transfers.HINT);
  }

  @Override
  public String describe() {
    return context.describe();
  }
}
