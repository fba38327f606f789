package jdistill.engine.cuda;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;

/** A {@link CudaExec} that records launches instead of running them, over a fake device. */
final class RecordingExec implements CudaExec {

  /** One recorded launch (or a device copy, with name "memcpyDtoD"). */
  record Launch(String name, Grid grid, KernelArgs args) {
    Object arg(int i) {
      return args.args().get(i).value();
    }

    long i64(int i) {
      return (Long) arg(i);
    }

    int i32(int i) {
      return (Integer) arg(i);
    }

    long[] dims(int i) {
      return (long[]) arg(i);
    }
  }

  static final long ERROR_FLAG = 0xE000;

  final FakeDeviceMemory memory = new FakeDeviceMemory(1L << 40);
  final CachingAllocator allocator = new CachingAllocator(memory);
  final List<Launch> launches = new ArrayList<>();
  GemmPrecision f32Gemm = GemmPrecision.TF32;
  int sms = 132;

  @Override
  public Device device() {
    return Device.cuda(0);
  }

  @Override
  public void launch(String name, Grid grid, KernelArgs args) {
    launches.add(new Launch(name, grid, args));
  }

  @Override
  public CudaStorage scratch(DType dtype, long numel) {
    return new CudaStorage(device(), dtype, numel, allocator);
  }

  @Override
  public void copyDeviceToDevice(long dst, long src, long bytes) {
    launches.add(new Launch("memcpyDtoD", Grid.of(1, 1), new KernelArgs().ptr(dst).ptr(src).i64(bytes)));
  }

  @Override
  public long errorFlag(String kernel) {
    return ERROR_FLAG;
  }

  @Override
  public int multiprocessors() {
    return sms;
  }

  @Override
  public GemmPrecision f32Gemm() {
    return f32Gemm;
  }

  /** A contiguous fake device tensor. */
  Tensor tensor(DType dtype, int... shape) {
    return new Tensor(scratch(dtype, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
  }

  /** The launches recorded since the last call, cleared. */
  List<Launch> take() {
    List<Launch> l = new ArrayList<>(launches);
    launches.clear();
    return l;
  }

  /** The only launch since the last take(), or a failure listing them. */
  Launch single() {
    List<Launch> l = take();
    if (l.size() != 1) throw new AssertionError("expected one launch, got " + l.stream().map(Launch::name).toList());
    return l.get(0);
  }
}
