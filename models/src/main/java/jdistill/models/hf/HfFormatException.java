package jdistill.models.hf;

/**
 * A Hugging Face checkpoint file ({@code config.json}, {@code model.safetensors.index.json}) that
 * cannot be used: malformed, missing a field, or asking for something jdistill does not support.
 * The message names the file, the field and what was expected.
 */
public final class HfFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public HfFormatException(String message) {
    super(message);
  }

  public HfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
