package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CachingAllocatorTest {

  private static final long MIB = 1L << 20;

  @Test
  void sizeClasses() {
    assertEquals(512, CachingAllocator.roundSize(0));
    assertEquals(512, CachingAllocator.roundSize(1));
    assertEquals(512, CachingAllocator.roundSize(512));
    assertEquals(1024, CachingAllocator.roundSize(513));
    assertEquals(MIB, CachingAllocator.roundSize(MIB - 1));
    assertEquals(2 * MIB, CachingAllocator.roundSize(MIB));
    assertEquals(2 * MIB, CachingAllocator.roundSize(2 * MIB));
    assertEquals(4 * MIB, CachingAllocator.roundSize(2 * MIB + 1));
    assertEquals(1026 * MIB, CachingAllocator.roundSize(1025 * MIB));
    assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundSize(-1));
  }

  @Test
  void freedBlocksAreReusedWithoutDeviceCalls() {
    FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
    CachingAllocator a = new CachingAllocator(dev);
    CachingAllocator.Block b1 = a.allocate(1000);
    CachingAllocator.Block b2 = a.allocate(3 * MIB);
    assertEquals(1024, b1.size());
    assertEquals(4 * MIB, b2.size());
    assertEquals(2, dev.allocations);
    a.free(b1);
    a.free(b2);
    AllocatorStats s = a.stats();
    assertEquals(0, s.inUseBytes());
    assertEquals(1024 + 4 * MIB, s.cachedBytes());
    assertEquals(2, s.cachedBlocks());
    // same sizes again: served from the cache, same addresses, no new device allocation
    CachingAllocator.Block c1 = a.allocate(1000);
    CachingAllocator.Block c2 = a.allocate(4 * MIB);
    assertEquals(b1.address(), c1.address());
    assertEquals(b2.address(), c2.address());
    assertEquals(2, dev.allocations);
    s = a.stats();
    assertEquals(2, s.hits());
    assertEquals(2, s.misses());
    assertEquals(0, s.cachedBytes());
    assertEquals(1024 + 4 * MIB, s.inUseBytes());
  }

  @Test
  void reuseTakesSmallestFittingBlockAndRefusesWastefulOnes() {
    FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
    CachingAllocator a = new CachingAllocator(dev);
    CachingAllocator.Block big = a.allocate(4096);
    CachingAllocator.Block mid = a.allocate(2048);
    CachingAllocator.Block huge = a.allocate(64 * MIB);
    a.free(big);
    a.free(mid);
    a.free(huge);
    // 1500 B rounds to 1536: the 2048 block fits (<= 2x), the 4096 one would not be preferred
    assertEquals(mid.address(), a.allocate(1500).address());
    // 1000 B rounds to 1024: the remaining 4096 block is more than 2x: a new device allocation
    int before = dev.allocations;
    CachingAllocator.Block small = a.allocate(1000);
    assertNotEquals(big.address(), small.address());
    assertEquals(before + 1, dev.allocations);
    // a 4 MiB request must not take the cached 64 MiB block
    CachingAllocator.Block four = a.allocate(4 * MIB);
    assertNotEquals(huge.address(), four.address());
    // 60 MiB may (64 <= 60 + max(2, 7.5))
    assertEquals(huge.address(), a.allocate(60 * MIB).address());
    // small and large pools are separate: a small request never takes a large block
    a.free(four);
    CachingAllocator.Block s2 = a.allocate(1000 * 1024);
    assertNotEquals(four.address(), s2.address());
  }

  @Test
  void peakAndReset() {
    CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(1L << 30));
    CachingAllocator.Block x = a.allocate(2 * MIB);
    CachingAllocator.Block y = a.allocate(2 * MIB);
    a.free(x);
    CachingAllocator.Block z = a.allocate(512);
    AllocatorStats s = a.stats();
    assertEquals(4 * MIB, s.peakInUseBytes());
    assertEquals(2 * MIB + 512, s.inUseBytes());
    assertEquals(2, s.inUseBlocks());
    a.resetPeak();
    assertEquals(2 * MIB + 512, a.stats().peakInUseBytes());
    a.free(y);
    a.free(z);
    assertEquals(2 * MIB + 512, a.stats().peakInUseBytes());
    assertEquals(0, a.stats().inUseBytes());
  }

  @Test
  void emptyCacheReturnsCachedBlocksOnly() {
    FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
    CachingAllocator a = new CachingAllocator(dev);
    CachingAllocator.Block keep = a.allocate(10 * MIB);
    a.free(a.allocate(10 * MIB));
    a.free(a.allocate(512));
    assertEquals(3, dev.liveCount());
    a.emptyCache();
    assertEquals(1, dev.liveCount());
    assertEquals(2, dev.frees);
    assertEquals(1, dev.quiesces, "queued work is awaited once before cached blocks go back");
    a.emptyCache();
    assertEquals(1, dev.quiesces, "nothing cached: nothing to wait for");
    AllocatorStats s = a.stats();
    assertEquals(0, s.cachedBytes());
    assertEquals(10 * MIB, s.inUseBytes());
    assertEquals(2, s.deviceFrees());
    a.releaseAll();
    assertEquals(0, dev.liveCount());
    // storages released after their backend closed are ignored; new allocations are refused
    a.free(keep);
    assertEquals(0, dev.liveCount());
    assertThrows(IllegalStateException.class, () -> a.allocate(10));
  }

  @Test
  void outOfMemoryEmptiesCacheAndRetriesOnce() {
    FakeDeviceMemory dev = new FakeDeviceMemory(10 * MIB);
    CachingAllocator a = new CachingAllocator(dev);
    a.free(a.allocate(6 * MIB)); // cached, 6 MiB held on the device
    // 8 MiB does not fit next to the cached 6 MiB block, and 6 MiB cannot serve it: empty + retry
    CachingAllocator.Block b = a.allocate(8 * MIB);
    assertEquals(8 * MIB, b.size());
    AllocatorStats s = a.stats();
    assertEquals(1, s.oomRetries());
    assertEquals(0, s.cachedBytes());
    assertEquals(1, s.deviceFrees());
    assertEquals(8 * MIB, dev.used());
  }

  @Test
  void outOfMemoryAfterRetryNamesRequestAndStatistics() {
    FakeDeviceMemory dev = new FakeDeviceMemory(10 * MIB);
    CachingAllocator a = new CachingAllocator(dev);
    CachingAllocator.Block held = a.allocate(4 * MIB);
    a.free(a.allocate(2 * MIB));
    DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> a.allocate(7 * MIB));
    String m = e.getMessage();
    assertTrue(m.contains("out of memory on fake device"), m);
    assertTrue(m.contains("cannot allocate 8.00 MiB"), m);
    assertTrue(m.contains("7340032 bytes requested"), m);
    assertTrue(m.contains("after returning 2.00 MiB of cached blocks"), m);
    assertTrue(m.contains("in use 4.00 MiB in 1 blocks"), m);
    assertTrue(m.contains("oom retries 1"), m);
    assertEquals(7 * MIB, e.requestedBytes());
    // the allocator is still consistent and usable
    assertEquals(4 * MIB, a.stats().inUseBytes());
    a.free(held);
    assertEquals(8 * MIB, a.allocate(7 * MIB).size());
  }

  @Test
  void doubleFreeIsAnError() {
    CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(MIB * 8));
    CachingAllocator.Block b = a.allocate(100);
    a.free(b);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(b));
    assertTrue(e.getMessage().contains("double free"), e.getMessage());
  }
}
