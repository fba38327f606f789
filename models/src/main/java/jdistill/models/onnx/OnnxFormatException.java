package jdistill.models.onnx;

/**
 * An ONNX file that cannot be imported: not ONNX at all, storing weights jdistill cannot read, or a
 * graph whose weights cannot be matched to a known model. The message names the file, the tensor
 * or node, and what was expected.
 */
public final class OnnxFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
