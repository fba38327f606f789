package jdistill.distill.config;

/**
 * A config value that is present but wrong (or missing but required), raised by the config records'
 * checks. {@code field} is the dotted path below the object that raised it ("epochs",
 * "methods.1.options.temperature"), or null for the object as a whole; the loader prefixes the
 * object's own path and the file name.
 */
public final class ConfigFieldException extends IllegalArgumentException {

  private final String field;
  private final String detail;

  public ConfigFieldException(String field, String detail) {
    super(field == null || field.isEmpty() ? detail : field + ": " + detail);
    this.field = field == null || field.isEmpty() ? null : field;
    this.detail = detail;
  }

  /** The dotted path below the raising object, or null. */
  public String field() {
    return field;
  }

  /** What was wrong and what was expected, without the path. */
  public String detail() {
    return detail;
  }

  /** The same error seen from an enclosing object at {@code prefix} ("recipe.1"). */
  public ConfigFieldException under(String prefix) {
    if (prefix == null || prefix.isEmpty()) return this;
    return new ConfigFieldException(field == null ? prefix : prefix + "." + field, detail);
  }
}
