package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class KernelArgsTest {

  @Test
  void argumentsKeepOrderKindAndValue() {
    KernelArgs a = new KernelArgs().i32(3).i64(1L << 40).f32(0.5f).f64(-1e300).ptr(0xABCDEF00L).dims(new long[] {4, 5}).bool(true);
    assertEquals(List.of(KernelArgs.Kind.I32, KernelArgs.Kind.I64, KernelArgs.Kind.F32, KernelArgs.Kind.F64, KernelArgs.Kind.PTR,
        KernelArgs.Kind.DIMS8, KernelArgs.Kind.I32), a.kinds());
    assertEquals(3, a.args().get(0).value());
    assertEquals(1L << 40, a.args().get(1).value());
    assertEquals(0.5f, a.args().get(2).value());
    assertEquals(-1e300, a.args().get(3).value());
    assertEquals(0xABCDEF00L, a.args().get(4).value());
    assertArrayEquals(new long[] {4, 5, 0, 0, 0, 0, 0, 0}, (long[]) a.args().get(5).value());
    assertEquals(1, a.args().get(6).value());
    assertEquals("[i32 3, i64 1099511627776, f32 0.5, f64 -1.0E300, ptr 0xabcdef00, dims[4, 5, 0, 0, 0, 0, 0, 0], i32 1]", a.toString());
    assertThrows(IllegalArgumentException.class, () -> new KernelArgs().dims(new long[9]));
  }

  @Test
  void abiSizeFollowsNaturalAlignment() {
    // int (4) + pad (4) + i64 (8) + Dims8 (64) + int (4) + pad + double (8) = 96
    assertEquals(96, new KernelArgs().i32(0).i64(0).dims(new long[0]).i32(0).f64(0).abiBytes());
    assertEquals(12, new KernelArgs().f32(0).i32(0).f32(0).abiBytes());
  }

  @Test
  void tensorPointersIncludeTheViewOffset() {
    CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1 << 20));
    CudaStorage s = new CudaStorage(Device.cuda(0), DType.BF16, 100, alloc);
    Tensor view = new Tensor(s, new int[] {10}, new int[] {1}, 7);
    KernelArgs a = new KernelArgs().ptr(view).ptrOrNull(null);
    assertEquals(s.address() + 14, a.args().get(0).value());
    assertEquals(0L, a.args().get(1).value());
    s.release();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new KernelArgs().ptr(view));
    assertTrue(e.getMessage().startsWith("use of a released BF16 CUDA storage of 100 elements on cuda:0"), e.getMessage());
    // a CPU tensor cannot be passed to a kernel
    Tensor cpu = Tensor.zeros(3);
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> new KernelArgs().ptr(cpu));
    assertTrue(e2.getMessage().contains("on cpu was passed to a CUDA kernel"), e2.getMessage());
  }

  @Test
  void packingBuildsOnePointerPerParameterWithoutTheDriver() {
    // jcuda.Pointer is plain Java: packing works (and can be tested) without libcuda
    KernelArgs args = new KernelArgs().i32(1).i64(2).f32(3).f64(4).ptr(5).dims(new long[] {6});
    assertEquals(java.util.List.of(KernelArgs.Kind.I32, KernelArgs.Kind.I64, KernelArgs.Kind.F32, KernelArgs.Kind.F64, KernelArgs.Kind.PTR, KernelArgs.Kind.DIMS8),
        args.kinds());
    // C layout with natural alignment: int@0, long@8, float@16, double@24, pointer@32, long[8]@40..104
    assertEquals(104, args.abiBytes());
    assertNotNull(args.pack());
  }

  @Test
  void storageReleaseReturnsTheBlockOnceAndGridsValidate() {
    FakeDeviceMemory dev = new FakeDeviceMemory(1 << 20);
    CachingAllocator alloc = new CachingAllocator(dev);
    CudaStorage s = new CudaStorage(Device.cuda(0), DType.F32, 1000, alloc);
    assertEquals(4000, s.byteSize());
    assertEquals(4096, alloc.stats().inUseBytes());
    s.release();
    s.release();
    assertTrue(s.isReleased());
    assertEquals(0, alloc.stats().inUseBytes());
    assertEquals(4096, alloc.stats().cachedBytes());
    assertThrows(IllegalArgumentException.class, () -> new Grid(1, 70000, 1, 32, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Grid(1, 1, 1, 1025, 1, 1, 0));
    assertEquals(Grid.of(5, 256), Grid.covering(1200, 256, 100));
    assertEquals(Grid.of(10, 256), Grid.covering(1L << 40, 256, 10));
    assertEquals(Grid.of(1, 256), Grid.covering(0, 256, 10));
  }
}
