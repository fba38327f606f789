package jdistill.engine.cuda;

/**
 * A CUDA driver call failed: names the call (with its important arguments) and the CUresult, e.g.
 * {@code cuMemAlloc(1048576 bytes) failed on cuda:0: CUDA_ERROR_OUT_OF_MEMORY (2)}.
 */
public class CudaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int result;

  /** A failure of {@code call} with driver result code {@code result}, described by {@code message}. */
  public CudaException(int result, String message) {
    super(message);
    this.result = result;
  }

  /** A failure with a cause (e.g. the native library could not be loaded). */
  public CudaException(int result, String message, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  /** The CUresult code (0 = CUDA_SUCCESS; -1 when no driver call was involved). */
  public int result() {
    return result;
  }
}
