package jdistill.models.checkpoint;

import java.io.IOException;

/** A checkpoint folder that cannot be loaded: the message names the files, tensors and expected shapes. */
public final class CheckpointException extends IOException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
