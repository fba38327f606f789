package jdistill.bench.step;

/**
 * The size of a GPT-2 in the step benchmark: {@code layers} blocks of width {@code width}, written
 * {@code LxW} on the command line (GPT-2 small is {@code 12x768}).
 */
public record ModelShape(int layers, int width) {

  public ModelShape {
    if (layers < 1 || width < 1) throw new IllegalArgumentException("model shape needs layers >= 1 and width >= 1, got " + layers + "x" + width);
  }

  /** Parses {@code LxW}, naming the option in the error. */
  public static ModelShape parse(String text, String option) {
    String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    if (p.length != 2) throw new IllegalArgumentException(option + " must be LAYERSxWIDTH (e.g. 12x768), got '" + text + "'");
    try {
      return new ModelShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be LAYERSxWIDTH (e.g. 12x768), got '" + text + "'");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return layers + "x" + width;
  }
}
