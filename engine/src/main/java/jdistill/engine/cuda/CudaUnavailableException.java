package jdistill.engine.cuda;

/**
 * CUDA cannot be used here: no driver library, no device, a device index that does not exist, or
 * kernels that were not built. The message says which and what to do about it.
 */
public final class CudaUnavailableException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** An explanation of why CUDA cannot run. */
  public CudaUnavailableException(String message) {
    super(message);
  }

  /** An explanation with the underlying failure. */
  public CudaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
