package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import jdistill.engine.Device;
import jdistill.engine.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On a machine without an NVIDIA driver, asking for a CUDA device fails with a clear reason. */
class NoDriverTest {

  @BeforeAll
  static void onlyWithoutDriver() {
    boolean driver = Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/proc/driver/nvidia/version"));
    assumeFalse(driver, "an NVIDIA driver is installed here; the no-driver messages cannot be observed");
  }

  @Test
  void backendsGetSaysNoDriverFound() {
    // twice: the second attempt meets JCuda's failed class initialisation, a different error type
    for (int attempt = 0; attempt < 2; attempt++) {
      CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Backends.get(Device.cuda(0)));
      assertTrue(e.getMessage().startsWith("no CUDA driver/device found for cuda:0: "), e.getMessage());
      assertTrue(e.getMessage().contains("libcuda.so.1"), e.getMessage());
    }
  }

  @Test
  void availabilityIsFalseWithTheSameReason() {
    assertFalse(CudaBackend.isAvailable());
    String reason = CudaBackend.unavailableReason();
    assertTrue(reason != null && reason.startsWith("no CUDA driver/device found"), reason);
  }

  @Test
  void otherDeviceIndicesFailTheSameWay() {
    CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaBackend.create(3));
    assertTrue(e.getMessage().startsWith("no CUDA driver/device found for cuda:3: "), e.getMessage());
  }
}
