package jdistill.models.run;

import java.io.IOException;

/** A model folder that cannot be used as it is: the message names the folder, the files and what was expected. */
public final class ModelFolderException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFolderException(String message) {
    super(message);
  }

  public ModelFolderException(String message, Throwable cause) {
    super(message, cause);
  }
}
