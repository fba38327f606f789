package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemAllocHost): the only host memory the GPU copies from and to
 * asynchronously at full speed. Seen from Java as a {@link MemorySegment}; freed by {@link #close()}.
 */
public final class PinnedBuffer implements AutoCloseable {

  private final CudaContext context;
  private final Driver.HostPtr pointer;
  private final long bytes;
  private final MemorySegment segment;
  private boolean closed;

  @SuppressWarnings("restricted") // the segment is sized to exactly what cuMemAllocHost returned
  PinnedBuffer(CudaContext context, long bytes) {
    if (bytes <= 0) throw new IllegalArgumentException("pinned buffer of " + bytes + " bytes");
    this.context = context;
    this.bytes = bytes;
    context.makeCurrent();
    this.pointer = new Driver.HostPtr();
    Driver.check(cuMemAllocHost(pointer, bytes), "cuMemAllocHost(" + bytes + " bytes) for " + context.describe());
    this.segment = MemorySegment.ofAddress(pointer.address()).reinterpret(bytes);
  }

  /** The memory, valid until {@link #close()}. */
  public MemorySegment segment() {
    if (closed) throw new IllegalStateException("pinned buffer of " + bytes + " bytes used after close()");
    return segment;
  }

  /** Size in bytes. */
  public long byteSize() {
    return bytes;
  }

  /** The driver's pointer, {@code offset} bytes in. */
  jcuda.Pointer pointer(long offset) {
    if (closed) throw new IllegalStateException("pinned buffer of " + bytes + " bytes used after close()");
    return offset == 0 ? pointer : pointer.withByteOffset(offset);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    context.makeCurrent();
    Driver.check(cuMemFreeHost(pointer), "cuMemFreeHost(" + bytes + " bytes)");
  }
}
