package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.lang.foreign.MemorySegment;
import jcuda.driver.CUevent;

/**
 * Host-device copies on the copy stream, staged through two pinned buffers so that any host
 * segment works (heap arrays, memory-mapped files, native memory) and a long copy overlaps the
 * host-side memcpy of one chunk with the DMA of the next. Ordering with kernels goes through
 * events: a copy starts after the compute work queued before it (the destination may be a
 * block the allocator just reused), and compute queued after it starts once it has landed.
 */
final class Transfers implements AutoCloseable {

  /** Bytes per staging chunk. */
  static final long CHUNK = 8L << 20;

  private final CudaContext ctx;
  private final PinnedBuffer[] staging = new PinnedBuffer[2];
  private final CUevent[] stagingFree = new CUevent[2];
  private final CUevent computeReady;
  private final CUevent copyDone;

  Transfers(CudaContext ctx) {
    this.ctx = ctx;
    this.computeReady = ctx.newEvent();
    this.copyDone = ctx.newEvent();
    for (int i = 0; i < 2; i++) stagingFree[i] = ctx.newEvent();
  }

  private PinnedBuffer staging(int slot) {
    if (staging[slot] == null) staging[slot] = new PinnedBuffer(ctx, CHUNK);
    return staging[slot];
  }

  /** Makes the copy stream wait for everything queued on the compute stream so far. */
  private void copyAfterCompute() {
    Driver.check(cuEventRecord(computeReady, ctx.compute), "cuEventRecord(compute)");
    Driver.check(cuStreamWaitEvent(ctx.copy, computeReady, 0), "cuStreamWaitEvent(copy waits for compute)");
  }

  /** Makes the compute stream wait for everything queued on the copy stream so far. */
  private void computeAfterCopy() {
    Driver.check(cuEventRecord(copyDone, ctx.copy), "cuEventRecord(copy)");
    Driver.check(cuStreamWaitEvent(ctx.compute, copyDone, 0), "cuStreamWaitEvent(compute waits for copy)");
  }

  /** Copies {@code bytes} from {@code src} (from its start) to device address {@code dst}. */
  synchronized void hostToDevice(MemorySegment src, long dst, long bytes) {
    if (bytes == 0) return;
    if (src.byteSize() < bytes) throw new IllegalArgumentException("host segment of " + src.byteSize() + " bytes is shorter than the " + bytes + " bytes to copy");
    ctx.makeCurrent();
    copyAfterCompute();
    long chunks = Grid.ceilDiv(bytes, CHUNK);
    for (long i = 0; i < chunks; i++) {
      int slot = (int) (i & 1);
      long off = i * CHUNK;
      long len = Math.min(CHUNK, bytes - off);
      // the DMA that last read this staging buffer must be done before it is overwritten
      Driver.check(cuEventSynchronize(stagingFree[slot]), "cuEventSynchronize(staging buffer free)" + Transfers.HINT);
      PinnedBuffer buf = staging(slot);
      MemorySegment.copy(src, off, buf.segment(), 0, len);
      Driver.check(cuMemcpyHtoDAsync(Driver.at(dst + off), buf.pointer(0), len, ctx.copy),
          "cuMemcpyHtoDAsync(" + len + " bytes to 0x" + Long.toHexString(dst + off) + ")");
      Driver.check(cuEventRecord(stagingFree[slot], ctx.copy), "cuEventRecord(staging)");
    }
    computeAfterCopy();
  }

  /** Copies {@code bytes} from device address {@code src} into {@code dst} (from its start); returns when they are there. */
  synchronized void deviceToHost(long src, long bytes, MemorySegment dst) {
    if (bytes == 0) return;
    if (dst.byteSize() < bytes) throw new IllegalArgumentException("host segment of " + dst.byteSize() + " bytes is shorter than the " + bytes + " bytes to copy");
    ctx.makeCurrent();
    copyAfterCompute();
    long chunks = Grid.ceilDiv(bytes, CHUNK);
    for (long i = 0; i <= chunks; i++) {
      if (i < chunks) {
        int slot = (int) (i & 1);
        long off = i * CHUNK;
        long len = Math.min(CHUNK, bytes - off);
        Driver.check(cuMemcpyDtoHAsync(staging(slot).pointer(0), Driver.at(src + off), len, ctx.copy),
            "cuMemcpyDtoHAsync(" + len + " bytes from 0x" + Long.toHexString(src + off) + ")");
        Driver.check(cuEventRecord(stagingFree[slot], ctx.copy), "cuEventRecord(staging)");
      }
      if (i > 0) {
        long j = i - 1;
        int slot = (int) (j & 1);
        long off = j * CHUNK;
        long len = Math.min(CHUNK, bytes - off);
        Driver.check(cuEventSynchronize(stagingFree[slot]), "copy to host (cuEventSynchronize)" + HINT);
        MemorySegment.copy(staging[slot].segment(), 0, dst, off, len);
      }
    }
  }

  /** Queues a copy from pinned memory to the device, ordered before compute queued later; returns at once. */
  synchronized void pinnedToDeviceAsync(PinnedBuffer src, long srcOffset, long dst, long bytes) {
    if (bytes == 0) return;
    ctx.makeCurrent();
    copyAfterCompute();
    Driver.check(cuMemcpyHtoDAsync(Driver.at(dst), src.pointer(srcOffset), bytes, ctx.copy), "cuMemcpyHtoDAsync(" + bytes + " bytes, pinned)");
    computeAfterCopy();
  }

  /** What to do when an asynchronous failure surfaces at a synchronisation point. */
  static final String HINT = " (an earlier kernel may have failed: rerun with -Djdistill.cuda.sync=true to name it)";

  @Override
  public synchronized void close() {
    ctx.makeCurrent();
    for (int i = 0; i < 2; i++) {
      cuEventSynchronize(stagingFree[i]);
      if (staging[i] != null) staging[i].close();
      cuEventDestroy(stagingFree[i]);
    }
    cuEventDestroy(computeReady);
    cuEventDestroy(copyDone);
  }
}
