package jdistill.engine.cuda;

import java.util.HashMap;
import java.util.Map;

/** A device with a fixed capacity and no real memory: hands out fake addresses, counts calls, simulates OOM. */
final class FakeDeviceMemory implements DeviceMemory {

  private final long capacity;
  private final Map<Long, Long> live = new HashMap<>();
  private long next = 0x7f00_0000_0000L;
  private long used;
  int allocations;
  int frees;
  int quiesces;

  FakeDeviceMemory(long capacity) {
    this.capacity = capacity;
  }

  @Override
  public long allocate(long bytes) {
    if (bytes <= 0) throw new IllegalArgumentException("fake device: allocation of " + bytes + " bytes");
    if (used + bytes > capacity) {
      throw new DeviceOutOfMemoryException(bytes, "fake device: " + bytes + " bytes do not fit (" + used + " of " + capacity + " used)");
    }
    long address = next;
    next += (bytes + 255) / 256 * 256;
    live.put(address, bytes);
    used += bytes;
    allocations++;
    return address;
  }

  @Override
  public void free(long address) {
    Long size = live.remove(address);
    if (size == null) throw new IllegalStateException("fake device: free of unknown address 0x" + Long.toHexString(address));
    used -= size;
    frees++;
  }

  @Override
  public void quiesce() {
    quiesces++;
  }

  @Override
  public String describe() {
    return "fake device";
  }

  long used() {
    return used;
  }

  int liveCount() {
    return live.size();
  }
}
