package jdistill.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jdistill.engine.Device;
import jdistill.engine.Tensor;

/**
 * Entry points for reading and writing safetensors files: {@link #open} for memory-mapped,
 * validated, zero-copy access ({@link SafetensorsFile}), {@link #load} to copy every tensor into
 * engine tensors, and {@link #save} to write atomically ({@link SafetensorsWriter}).
 */
public final class Safetensors {

  private Safetensors() {}

  /** Maps and validates {@code file}; close the result to release the mapping. */
  public static SafetensorsFile open(Path file) throws IOException {
    return SafetensorsFile.open(file);
  }

  /** Every tensor of {@code file} loaded onto {@code device}, in file order. */
  public static Map<String, Tensor> load(Path file, Device device) throws IOException {
    try (SafetensorsFile f = open(file)) {
      return f.loadAll(device);
    }
  }

  /** Writes {@code tensors} to {@code file} with no metadata. */
  public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
    SafetensorsWriter.write(file, tensors, Map.of());
  }

  /** Writes {@code tensors} and the string {@code metadata} to {@code file}, atomically. */
  public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    SafetensorsWriter.write(file, tensors, metadata);
  }
}
