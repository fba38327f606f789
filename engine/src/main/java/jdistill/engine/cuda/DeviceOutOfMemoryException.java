package jdistill.engine.cuda;

/** The device has no room for an allocation; thrown by {@link DeviceMemory} and {@link CachingAllocator}. */
public final class DeviceOutOfMemoryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long requestedBytes;

  /** No room for {@code requestedBytes}. */
  public DeviceOutOfMemoryException(long requestedBytes, String message) {
    super(message);
    this.requestedBytes = requestedBytes;
  }

  /** No room for {@code requestedBytes}, with the failure that said so. */
  public DeviceOutOfMemoryException(long requestedBytes, String message, Throwable cause) {
    super(message, cause);
    this.requestedBytes = requestedBytes;
  }

  /** The size of the allocation that failed, in bytes. */
  public long requestedBytes() {
    return requestedBytes;
  }
}
