package jdistill.engine.autograd;

/**
 * Whether ops record themselves on the tape, per thread. {@code try (var g = GradMode.noGrad())
 * {...}} turns recording off inside the block (teacher forwards, evaluation, optimizer steps).
 */
public final class GradMode {

  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

  private GradMode() {}

  /** True when new ops record backward nodes on this thread. */
  public static boolean isEnabled() {
    return ENABLED.get()[0];
  }

  /** Turns recording off until the returned guard is closed (restores the previous state). */
  public static Guard noGrad() {
    return set(false);
  }

  /** Turns recording on until the returned guard is closed. */
  public static Guard enableGrad() {
    return set(true);
  }

  private static Guard set(boolean enabled) {
    boolean[] state = ENABLED.get();
    boolean previous = state[0];
    state[0] = enabled;
    return () -> state[0] = previous;
  }

  /** Restores the previous mode on close. */
  public interface Guard extends AutoCloseable {
    @Override
    void close();
  }
}
