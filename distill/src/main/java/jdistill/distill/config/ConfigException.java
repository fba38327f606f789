package jdistill.distill.config;

/**
 * A config file that cannot be used: the message names the file, the field path (dotted, list
 * entries by index, e.g. {@code methods.0.weight}) and what was expected.
 */
public final class ConfigException extends IllegalArgumentException {

  private final String file;
  private final String path;
  private final String detail;

  public ConfigException(String file, String path, String detail) {
    super(file + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + detail);
    this.file = file;
    this.path = path == null ? "" : path;
    this.detail = detail;
  }

  /** The config file (or the name given to an inline config). */
  public String file() {
    return file;
  }

  /** The dotted field path, empty for the file as a whole. */
  public String path() {
    return path;
  }

  /** What was wrong and what was expected. */
  public String detail() {
    return detail;
  }
}
