package jdistill.engine.backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdistill.engine.Device;
import jdistill.engine.cpu.CpuBackend;

/**
 * Finds the backend of a device. The CPU backend always exists; the CUDA backend is created on
 * first use of a CUDA device, and fails then with the reason when it cannot run (no driver, no
 * device, kernels not built).
 */
public final class Backends {

  private static final Map<Device, Backend> BACKENDS = new ConcurrentHashMap<>();

  static {
    BACKENDS.put(Device.CPU, CpuBackend.INSTANCE);
  }

  private Backends() {}

  /** The backend for {@code device}. */
  public static Backend get(Device device) {
    Backend b = BACKENDS.get(device);
    if (b != null) return b;
    return BACKENDS.computeIfAbsent(device, Backends::create);
  }

  private static Backend create(Device device) {
    if (device.kind() != Device.Kind.CUDA) throw new IllegalArgumentException("no backend for device " + device);
    try {
      Class<?> c = Class.forName("jdistill.engine.cuda.CudaBackend");
      return (Backend) c.getMethod("create", int.class).invoke(null, device.index());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the CUDA backend is not part of this build", e);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException("cannot start the CUDA backend on " + device + ": " + cause.getMessage(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start the CUDA backend on " + device + ": " + e, e);
    }
  }
}
