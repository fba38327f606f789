package jdistill.bench.step;

import java.util.Locale;
import jdistill.engine.DType;

/**
 * Datasheet dense tensor-core peaks (TFLOP/s) for the MFU denominator, by device name: H100 SXM and
 * H200 989 (bf16) and 494 (tf32, what F32 products run as); H100 PCIe 756 and 378; H100 NVL 835 and
 * 418. Unknown devices (and the CPU) have no peak unless given by {@code --peak-tflops}.
 */
public final class PeakRates {

  private PeakRates() {}

  /** The peak for {@code deviceName} at {@code dtype}, or NaN when unknown. */
  public static double tflops(String deviceName, DType dtype) {
    String n = deviceName == null ? "" : deviceName.toUpperCase(Locale.ROOT);
    boolean bf16 = dtype == DType.BF16 || dtype == DType.F16;
    if (n.contains("H200")) return bf16 ? 989 : 494;
    if (n.contains("H100")) {
      if (n.contains("PCIE")) return bf16 ? 756 : 378;
      if (n.contains("NVL")) return bf16 ? 835 : 418;
      return bf16 ? 989 : 494;
    }
    return Double.NaN;
  }
}
