package jdistill.models.tokenizer;

import java.io.IOException;

/** A tokenizer file that cannot be read: bad JSON, a missing or wrong field, an unsupported component. */
public final class TokenizerFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An error with its message (which names the file and the field). */
  public TokenizerFormatException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public TokenizerFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
