package jdistill.engine.backend;

import jdistill.engine.DType;
import jdistill.engine.Device;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are strided views of a storage.
 * A storage is released once, explicitly (scopes do it) or by the garbage collector on the CPU.
 */
public interface Storage {

  /** Where the elements live. */
  Device device();

  /** The element type. */
  DType dtype();

  /** Number of elements. */
  long size();

  /** Returns the memory to the backend; further use is an error. Idempotent. */
  void release();

  /** True once {@link #release()} has run. */
  boolean isReleased();
}
