package jdistill.distill.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A dataset could not be read: the message names the file, the line (where one is to blame) and
 * what is wrong, as {@code file:line: problem} or {@code file: problem}.
 */
public final class DataException extends RuntimeException {

  private final Path file;
  private final long line;

  /** A problem with one line (1-based) of {@code file}. */
  public DataException(Path file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
    this.file = file;
    this.line = line;
  }

  /** A problem with the whole of {@code file}. */
  public DataException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.line = 0;
  }

  /**
   * The exception to throw when reading {@code file} failed with {@code e}: a {@link DataException}
   * for text that is not UTF-8 or a missing file, otherwise an {@link UncheckedIOException}.
   */
  static RuntimeException reading(Path file, IOException e) {
    if (e instanceof CharacterCodingException) return new DataException(file, "not valid UTF-8 text");
    if (e instanceof NoSuchFileException) return new DataException(file, "no such file");
    return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }

  /** The 1-based line to blame, or 0 when the problem is not with one line. */
  public long line() {
    return line;
  }
}
