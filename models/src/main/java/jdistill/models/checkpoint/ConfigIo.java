package jdistill.models.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes a checkpoint's config.json as a {@link ModelSpec}. Kept behind this interface
 * so the full Hugging Face config readers can replace {@link JacksonConfigIo}.
 */
public interface ConfigIo {

  ModelSpec read(Path configJson) throws IOException;

  /** Writes {@code spec} to {@code configJson} (atomically: temporary file, then rename). */
  void write(ModelSpec spec, Path configJson) throws IOException;
}
