package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Storage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CUDA backend's own machinery on a real device: transfers, pinned memory, allocator, errors. */
@Tag("gpu")
class CudaBackendGpuTest {

  @Test
  void heapAndNativeTransfersRoundTripExactly() {
    CudaBackend gpu = Gpu.cuda();
    try (Scope scope = Scope.open()) {
      // 20 MB of floats from a heap array: three staging chunks, the last one partial
      float[] data = new float[5 * 1024 * 1024 + 3];
      for (int i = 0; i < data.length; i++) data[i] = (float) Math.sin(i * 0.001) * i;
      Tensor t = Tensor.of(data, data.length).to(Gpu.CUDA);
      assertArrayEquals(data, t.toFloatArray());
      // native memory, at an element offset, part of a storage
      Storage s = gpu.allocate(DType.I64, 100);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment src = arena.allocate(40 * 8, 8);
        for (int i = 0; i < 40; i++) src.setAtIndex(ValueLayout.JAVA_LONG, i, 1000L * i - 7);
        gpu.copyFromHost(src, s, 30, 40);
        MemorySegment back = arena.allocate(40 * 8, 8);
        gpu.copyToHost(s, 30, 40, back);
        for (int i = 0; i < 40; i++) assertEquals(1000L * i - 7, back.getAtIndex(ValueLayout.JAVA_LONG, i));
        assertThrows(IndexOutOfBoundsException.class, () -> gpu.copyToHost(s, 90, 11, back));
      }
      s.release();
      // BF16 bytes survive unchanged
      Tensor h = Tensor.of(new float[] {1.5f, -2.25f, 3e-3f}, 3).to(DType.BF16);
      assertArrayEquals(h.toBytes(), h.to(Gpu.CUDA).toBytes());
    }
  }

  @Test
  void pinnedBuffersCopyAsynchronously() {
    CudaBackend gpu = Gpu.cuda();
    try (PinnedBuffer pinned = gpu.allocatePinned(4096 * 4)) {
      MemorySegment seg = pinned.segment();
      for (int i = 0; i < 4096; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
      Storage s = gpu.allocate(DType.F32, 5000);
      gpu.copyFromPinnedAsync(pinned, 16, s, 100, 4000);
      float[] back = new float[4000];
      gpu.copyToHost(s, 100, 4000, MemorySegment.ofArray(back));
      for (int i = 0; i < 4000; i++) assertEquals((i + 4) * 0.5f, back[i]);
      assertThrows(IndexOutOfBoundsException.class, () -> gpu.copyFromPinnedAsync(pinned, 8, s, 0, 4096));
      s.release();
    }
  }

  @Test
  void allocatorStatisticsOnTheDevice() {
    Gpu.cuda();
    CudaBackend b = (CudaBackend) CudaBackend.create(0);
    try {
      AllocatorStats s0 = b.memoryStats();
      Storage x = b.allocate(DType.F32, 3 << 18); // 3 MiB -> a 4 MiB block
      AllocatorStats s1 = b.memoryStats();
      assertEquals(s0.deviceAllocations() + 1, s1.deviceAllocations());
      assertEquals(s0.inUseBytes() + (4 << 20), s1.inUseBytes());
      x.release();
      AllocatorStats s2 = b.memoryStats();
      assertEquals(s0.inUseBytes(), s2.inUseBytes());
      assertEquals(4 << 20, s2.cachedBytes());
      Storage y = b.allocate(DType.BF16, 3 << 19);
      AllocatorStats s3 = b.memoryStats();
      assertEquals(s1.deviceAllocations(), s3.deviceAllocations());
      assertEquals(s2.hits() + 1, s3.hits());
      assertTrue(s3.peakInUseBytes() >= s1.inUseBytes());
      y.release();
      b.emptyCache();
      AllocatorStats s4 = b.memoryStats();
      assertEquals(0, s4.cachedBytes());
      assertEquals(s3.deviceFrees() + 1, s4.deviceFrees());
      // far more than the device has: the cache is emptied, the retry fails, the message says so
      long huge = 1L << 40; // 4 TiB of F32
      DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> b.allocate(DType.F32, huge));
      assertTrue(e.getMessage().startsWith("out of memory on cuda:0"), e.getMessage());
      assertTrue(e.getMessage().contains("oom retries 1"), e.getMessage());
      // and the allocator still works
      Storage z = b.allocate(DType.F32, 10);
      z.release();
    } finally {
      b.close();
    }
  }

  @Test
  void describesDeviceKernelsAndGemmPath() {
    CudaBackend gpu = Gpu.cuda();
    String d = gpu.describe();
    assertTrue(d.startsWith("cuda:0 ("), d);
    assertTrue(d.contains("GEMM on the project's kernels"), d);
    assertTrue(d.contains("cuBLAS"), d);
    assertEquals(Device.cuda(0), gpu.device());
  }

  @Test
  void unknownKernelNamesTheRebuild() {
    CudaBackend gpu = Gpu.cuda();
    CudaException e = assertThrows(CudaException.class, () -> gpu.launch("no_such_kernel", Grid.of(1, 32), new KernelArgs()));
    assertTrue(e.getMessage().contains("kernel 'no_such_kernel' is not in jdistill.fatbin"), e.getMessage());
  }

  @Test
  void syncModeStopsAtTheFailingLaunch() {
    Gpu.cuda();
    String before = System.getProperty("jdistill.cuda.sync");
    System.setProperty("jdistill.cuda.sync", "true");
    CudaBackend b;
    try {
      b = (CudaBackend) CudaBackend.create(0);
    } finally {
      if (before == null) System.clearProperty("jdistill.cuda.sync");
      else System.setProperty("jdistill.cuda.sync", before);
    }
    try {
      Storage tab = b.allocate(DType.F32, 40);
      Storage ids = b.allocate(DType.I64, 2);
      Storage out = b.allocate(DType.F32, 8);
      b.fill(new Tensor(tab, new int[] {10, 4}, new int[] {4, 1}, 0), 1);
      b.fill(new Tensor(ids, new int[] {2}, new int[] {1}, 0), 12);
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> b.indexSelect(
          new Tensor(tab, new int[] {10, 4}, new int[] {4, 1}, 0), new Tensor(ids, new int[] {2}, new int[] {1}, 0),
          new Tensor(out, new int[] {2, 4}, new int[] {4, 1}, 0)));
      assertTrue(e.getMessage().contains("index_select_f32"), e.getMessage());
    } finally {
      b.close();
    }
  }
}
