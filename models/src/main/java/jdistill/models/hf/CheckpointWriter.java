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

  /**
   * The project's safetensors writer. This is the single place that binds checkpoint writing to
   * the engine's safetensors IO: it is meant to return
   * {@code jdistill.engine.io.Safetensors::save} (signature
   * {@code save(Path, Map<String, Tensor>, Map<String, String>)}), which this build does not yet
   * contain; until then it fails with a message saying so.
   */
  static CheckpointWriter safetensors() {
    return (file, tensors, metadata) -> {
      throw new UnsupportedOperationException(
          "cannot write " + file + ": this build has no safetensors writer yet (jdistill.engine.io.Safetensors); "
              + "CheckpointWriter.safetensors() is where it is bound");
    };
  }
}
