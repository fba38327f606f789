package jdistill.models.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jdistill.engine.Tensor;

/**
 * Writes tensors to one safetensors file. The HF folder writer and the ONNX importer write through
 * this interface, so that which safetensors implementation is used is decided in one place:
 * {@link #safetensors()}.
 */
@FunctionalInterface
public interface CheckpointWriter {

  /**
   * Writes {@code tensors} (in this order) with the header {@code metadata} to {@code file},
   * replacing it if it exists.
   */
  void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException;

  /** The project's safetensors writer (the engine's, with its temporary file and atomic rename). */
  static CheckpointWriter safetensors() {
    return jdistill.engine.io.Safetensors::save;
  }
}
