package jdistill.engine.cuda;

import java.util.Locale;

/**
 * A snapshot of a {@link CachingAllocator}'s bookkeeping. "In use" is memory held by live blocks
 * (rounded sizes), "cached" is freed memory kept for reuse, "reserved" is both: what the device
 * has actually handed out.
 *
 * @param inUseBytes bytes in blocks currently handed out
 * @param inUseBlocks number of blocks currently handed out
 * @param peakInUseBytes the largest {@code inUseBytes} since creation or {@link CachingAllocator#resetPeak()}
 * @param cachedBytes bytes in freed blocks kept for reuse
 * @param cachedBlocks number of freed blocks kept for reuse
 * @param deviceAllocations calls to the device allocator (cuMemAlloc) so far
 * @param deviceFrees calls to the device free (cuMemFree) so far
 * @param hits allocations served from the cache
 * @param misses allocations that needed a device allocation
 * @param oomRetries times an out-of-memory was answered by emptying the cache and retrying
 */
public record AllocatorStats(
    long inUseBytes,
    long inUseBlocks,
    long peakInUseBytes,
    long cachedBytes,
    long cachedBlocks,
    long deviceAllocations,
    long deviceFrees,
    long hits,
    long misses,
    long oomRetries) {

  /** In use plus cached: the device memory the allocator holds. */
  public long reservedBytes() {
    return inUseBytes + cachedBytes;
  }

  /** One line for logs and error messages. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "in use %s in %d blocks, peak %s, cached %s in %d blocks, reserved %s, device allocations %d, device frees %d, cache hits %d, misses %d, oom retries %d",
        bytes(inUseBytes), inUseBlocks, bytes(peakInUseBytes), bytes(cachedBytes), cachedBlocks, bytes(reservedBytes()),
        deviceAllocations, deviceFrees, hits, misses, oomRetries);
  }

  /** Human-readable byte count: "512 B", "1.50 MiB", "2.00 GiB". */
  public static String bytes(long n) {
    if (n < 1024) return n + " B";
    if (n < 1L << 20) return String.format(Locale.ROOT, "%.2f KiB", n / 1024.0);
    if (n < 1L << 30) return String.format(Locale.ROOT, "%.2f MiB", n / (double) (1L << 20));
    return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
  }
}
