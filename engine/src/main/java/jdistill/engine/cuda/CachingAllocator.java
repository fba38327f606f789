package jdistill.engine.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device memory with a cache of freed blocks, so that a training step that allocates the same
 * tensors every iteration stops calling cuMemAlloc/cuMemFree (which synchronise the device) after
 * its first step.
 *
 * <p>Requests are rounded to size classes: multiples of 512 B below 1 MiB ("small" blocks), whole
 * 2 MiB chunks from 1 MiB up ("large" blocks). A freed block goes to the cache of its pool; an
 * allocation takes the smallest cached block of its pool that is big enough and not wasteful (at
 * most twice the rounded size for small blocks, at most the rounded size plus max(2 MiB, 1/8)
 * for large ones). Blocks are never split or merged. When the device runs out of memory the whole
 * cache is returned to the device and the allocation retried once; a second failure throws {@link
 * DeviceOutOfMemoryException} with the request and the statistics.
 *
 * <p>Reusing a freed block immediately is safe because every kernel of a backend runs in order on
 * one compute stream (and copies wait for it): work queued on the old owner finishes before work
 * queued on the new one starts. Thread-safe.
 */
public final class CachingAllocator {

  /** Granularity of small blocks. */
  public static final long SMALL_ROUND = 512;
  /** Requests of this size and above are large blocks. */
  public static final long LARGE_THRESHOLD = 1L << 20;
  /** Granularity of large blocks. */
  public static final long LARGE_ROUND = 2L << 20;

  /** A block of device memory handed out by the allocator. */
  public record Block(long address, long size) {}

  private final DeviceMemory memory;
  private final TreeMap<Long, ArrayDeque<Long>> smallCache = new TreeMap<>();
  private final TreeMap<Long, ArrayDeque<Long>> largeCache = new TreeMap<>();
  private final Map<Long, Long> live = new HashMap<>();

  private long inUseBytes;
  private long peakInUseBytes;
  private long cachedBytes;
  private long cachedBlocks;
  private long deviceAllocations;
  private long deviceFrees;
  private long hits;
  private long misses;
  private long oomRetries;
  private boolean closed;

  /** An allocator drawing on {@code memory}. */
  public CachingAllocator(DeviceMemory memory) {
    this.memory = memory;
  }

  /** The size class of a request of {@code bytes}: what a block for it really occupies. */
  public static long roundSize(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
    long b = Math.max(bytes, 1);
    if (b < LARGE_THRESHOLD) return (b + SMALL_ROUND - 1) / SMALL_ROUND * SMALL_ROUND;
    return (b + LARGE_ROUND - 1) / LARGE_ROUND * LARGE_ROUND;
  }

  /** The largest cached block size that may serve a request of rounded size {@code rounded}. */
  static long maxReuseSize(long rounded) {
    return rounded < LARGE_THRESHOLD ? 2 * rounded : rounded + Math.max(LARGE_ROUND, rounded / 8);
  }

  /** A block of at least {@code bytes} (0 is allowed and gets the smallest class). */
  public synchronized Block allocate(long bytes) {
    if (closed) throw new IllegalStateException("allocation of " + bytes + " bytes on " + memory.describe() + " after its backend was closed");
    long size = roundSize(bytes);
    TreeMap<Long, ArrayDeque<Long>> pool = size < LARGE_THRESHOLD ? smallCache : largeCache;
    Map.Entry<Long, ArrayDeque<Long>> e = pool.ceilingEntry(size);
    if (e != null && e.getKey() <= maxReuseSize(size)) {
      long blockSize = e.getKey();
      long address = e.getValue().pop();
      if (e.getValue().isEmpty()) pool.remove(blockSize);
      cachedBytes -= blockSize;
      cachedBlocks--;
      hits++;
      return handOut(address, blockSize);
    }
    misses++;
    long address;
    try {
      address = memory.allocate(size);
    } catch (DeviceOutOfMemoryException first) {
      oomRetries++;
      long freed = cachedBytes;
      emptyCache();
      try {
        address = memory.allocate(size);
      } catch (DeviceOutOfMemoryException second) {
        throw new DeviceOutOfMemoryException(bytes,
            "out of memory on " + memory.describe() + ": cannot allocate " + AllocatorStats.bytes(size) + " (" + bytes + " bytes requested, "
                + size + " with rounding) even after returning " + AllocatorStats.bytes(freed) + " of cached blocks to the device; allocator: "
                + stats() + ". Free tensors sooner (close scopes), use a smaller batch or sequence length, or BF16.",
            second);
      }
    }
    deviceAllocations++;
    return handOut(address, size);
  }

  private Block handOut(long address, long size) {
    if (live.put(address, size) != null) {
      throw new IllegalStateException("device address 0x" + Long.toHexString(address) + " handed out twice (allocator bookkeeping is broken)");
    }
    inUseBytes += size;
    peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
    return new Block(address, size);
  }

  /** Returns a block to the cache. Freeing a block twice is an error; after {@link #releaseAll()} freeing does nothing. */
  public synchronized void free(Block block) {
    if (closed) return;
    Long size = live.remove(block.address());
    if (size == null || size != block.size()) {
      throw new IllegalStateException("free of device block 0x" + Long.toHexString(block.address()) + " (" + block.size() + " bytes) that is not in use (double free?)");
    }
    inUseBytes -= size;
    TreeMap<Long, ArrayDeque<Long>> pool = size < LARGE_THRESHOLD ? smallCache : largeCache;
    pool.computeIfAbsent(size, k -> new ArrayDeque<>()).push(block.address());
    cachedBytes += size;
    cachedBlocks++;
  }

  /** Returns every cached block to the device (cuMemFree). Blocks in use are untouched. */
  public synchronized void emptyCache() {
    if (cachedBlocks > 0) memory.quiesce();
    for (TreeMap<Long, ArrayDeque<Long>> pool : java.util.List.of(smallCache, largeCache)) {
      for (ArrayDeque<Long> q : pool.values()) {
        for (long address : q) {
          memory.free(address);
          deviceFrees++;
        }
      }
      pool.clear();
    }
    cachedBytes = 0;
    cachedBlocks = 0;
  }

  /** Starts a new peak measurement at the current use. */
  public synchronized void resetPeak() {
    peakInUseBytes = inUseBytes;
  }

  /** The current statistics. */
  public synchronized AllocatorStats stats() {
    return new AllocatorStats(inUseBytes, live.size(), peakInUseBytes, cachedBytes, cachedBlocks, deviceAllocations, deviceFrees, hits, misses, oomRetries);
  }

  /** Frees everything, in use or cached, and refuses further allocations (when the backend shuts down). */
  public synchronized void releaseAll() {
    memory.quiesce();
    emptyCache();
    for (long address : live.keySet()) {
      memory.free(address);
      deviceFrees++;
    }
    live.clear();
    inUseBytes = 0;
    closed = true;
  }
}
