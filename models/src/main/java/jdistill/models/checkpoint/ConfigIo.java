package jdistill.models.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes a checkpoint's config.json as a {@link ModelSpec}. Kept behind this interface
 * so that tests and other formats can stand in for {@link HfConfigIo}.
 */
public interface ConfigIo {

  ModelSpec read(Path configJson) throws IOException;

  /** Writes {@code spec} to {@code configJson} (atomically: temporary file, then rename). */
  void write(ModelSpec spec, Path configJson) throws IOException;
}
