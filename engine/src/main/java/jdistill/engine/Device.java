package jdistill.engine;

/** Where a tensor's storage lives: the host CPU or one CUDA device. */
public record Device(Kind kind, int index) {

  /** Device families. */
  public enum Kind {
    CPU,
    CUDA
  }

  /** The host. */
  public static final Device CPU = new Device(Kind.CPU, 0);

  public Device {
    if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    if (kind == Kind.CPU && index != 0) throw new IllegalArgumentException("the CPU device has index 0");
  }

  /** CUDA device {@code index}. */
  public static Device cuda(int index) {
    return new Device(Kind.CUDA, index);
  }

  /** Parses "cpu", "cuda" or "cuda:N". */
  public static Device parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("cpu")) return CPU;
    if (t.equals("cuda")) return cuda(0);
    if (t.startsWith("cuda:")) {
      try {
        return cuda(Integer.parseInt(t.substring(5)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException("unknown device '" + text + "': expected cpu, cuda or cuda:N");
  }

  @Override
  public String toString() {
    return kind == Kind.CPU ? "cpu" : "cuda:" + index;
  }
}
