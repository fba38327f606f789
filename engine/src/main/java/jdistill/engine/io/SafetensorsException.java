package jdistill.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read or written as asked: a malformed or inconsistent header,
 * a dtype this engine cannot load, a tensor that cannot be saved. The message names the file, the
 * tensor (when one is concerned) and what was expected against what was found.
 */
public final class SafetensorsException extends IOException {

  private final transient Path file;
  private final String tensor;

  /** A problem with {@code file} as a whole ({@code tensor} null) or with one tensor in it. */
  public SafetensorsException(Path file, String tensor, String problem) {
    this(file, tensor, problem, null);
  }

  /** As {@link #SafetensorsException(Path, String, String)}, with the underlying cause. */
  public SafetensorsException(Path file, String tensor, String problem, Throwable cause) {
    super(describe(file, tensor, problem), cause);
    this.file = file;
    this.tensor = tensor;
  }

  /** The file concerned. */
  public Path file() {
    return file;
  }

  /** The tensor concerned, or null when the problem is with the file as a whole. */
  public String tensor() {
    return tensor;
  }

  private static String describe(Path file, String tensor, String problem) {
    StringBuilder sb = new StringBuilder("safetensors file ").append(file);
    if (tensor != null) sb.append(", tensor '").append(tensor).append('\'');
    return sb.append(": ").append(problem).toString();
  }
}
