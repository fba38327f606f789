package jdistill.engine.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Storage;

/**
 * Device storage: one block of a {@link CachingAllocator} holding {@code size} elements of one
 * dtype. {@link #release()} (scopes call it) returns the block to the allocator's cache at once; a
 * storage that becomes unreachable without being released is returned by a cleaner, so parameters
 * dropped without a scope do not leak device memory.
 */
public final class CudaStorage implements Storage {

  /** Returns blocks of unreachable storages; one thread for every CUDA storage (an owned cache). */
  private static final Cleaner CLEANER = Cleaner.create();

  private final Device device;
  private final DType dtype;
  private final long size;
  private final long address;
  private final AtomicBoolean released;
  private final Cleaner.Cleanable cleanable;

  /** A storage of {@code size} elements of {@code dtype} in a new block of {@code allocator}. */
  public CudaStorage(Device device, DType dtype, long size, CachingAllocator allocator) {
    if (size < 0) throw new IllegalArgumentException("negative storage size " + size);
    this.device = device;
    this.dtype = dtype;
    this.size = size;
    CachingAllocator.Block block = allocator.allocate(Math.multiplyExact(size, (long) dtype.byteSize()));
    this.address = block.address();
    this.released = new AtomicBoolean();
    AtomicBoolean flag = released;
    this.cleanable = CLEANER.register(this, () -> {
      if (flag.compareAndSet(false, true)) allocator.free(block);
    });
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long size() {
    return size;
  }

  /** Bytes of the elements (without the allocator's rounding). */
  public long byteSize() {
    return size * dtype.byteSize();
  }

  /** The device address of element 0; an error once released. */
  public long address() {
    if (released.get()) {
      throw new IllegalStateException("use of a released " + dtype + " CUDA storage of " + size + " elements on " + device
          + " (its scope was closed; keep() results that must outlive a scope)");
    }
    return address;
  }

  @Override
  public void release() {
    cleanable.clean();
  }

  @Override
  public boolean isReleased() {
    return released.get();
  }

  /** The device address of {@code t}'s first element; an error naming the device if t is not on CUDA. */
  public static long addressOf(Tensor t) {
    if (!(t.storage() instanceof CudaStorage s)) {
      throw new IllegalArgumentException("a " + t.dtype() + " tensor on " + t.device() + " was passed to a CUDA kernel; move it with .to(Device.cuda(n)) first");
    }
    return s.address() + t.offset() * t.dtype().byteSize();
  }

  @Override
  public String toString() {
    return "CudaStorage[" + device + ", " + dtype + " x " + size + (isReleased() ? ", released" : "") + "]";
  }
}
