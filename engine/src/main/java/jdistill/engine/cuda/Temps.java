package jdistill.engine.cuda;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;

/** Scratch tensors of one op, released together when the op has queued its kernels. */
final class Temps implements AutoCloseable {

  private final CudaExec exec;
  private final List<CudaStorage> storages = new ArrayList<>();

  Temps(CudaExec exec) {
    this.exec = exec;
  }

  /** A contiguous scratch tensor. */
  Tensor tensor(DType dtype, int... shape) {
    CudaStorage s = storage(dtype, Shapes.numel(shape));
    return new Tensor(s, shape, Shapes.contiguousStrides(shape), 0);
  }

  /** A scratch buffer of {@code numel} elements. */
  CudaStorage storage(DType dtype, long numel) {
    CudaStorage s = exec.scratch(dtype, numel);
    storages.add(s);
    return s;
  }

  @Override
  public void close() {
    for (CudaStorage s : storages) s.release();
    storages.clear();
  }
}
