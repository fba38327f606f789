package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.cpu.CpuBackend;
import jdistill.engine.testing.Closeness;

/**
 * Helpers of the GPU parity tests: the CUDA backend (or a skip when there is none), random CPU
 * inputs, their copies on the device, outputs poisoned with NaN so that an element a kernel does
 * not write fails the comparison, and the comparison itself.
 *
 * <p>With {@code -Djdistill.test.gpuDryRun=true} the "device" is the CPU itself: the parity tests
 * then compare the CPU with itself, which checks the tests' own logic on a machine without a GPU.
 *
 * <p>Tolerance: {@link Closeness} (relative, with a floor at the tensor's own scale).
 */
final class Gpu {

  /** Run the GPU tests against the CPU backend (to check the tests themselves without a GPU). */
  static final boolean DRY_RUN = Boolean.getBoolean("jdistill.test.gpuDryRun");
  /** The device under test: cuda:0, or the CPU in a dry run. */
  static final Device CUDA = DRY_RUN ? Device.CPU : Device.cuda(0);
  static final CpuBackend CPU = CpuBackend.INSTANCE;
  /**
   * The dtypes the device computes: F32 and BF16 (a dry run keeps F32 only, since the CPU does not
   * compute every op in BF16).
   */
  static final java.util.List<DType> COMPUTE = DRY_RUN ? java.util.List.of(DType.F32) : java.util.List.of(DType.F32, DType.BF16);
  /** F32 against the CPU. */
  static final double F32_RTOL = 1e-5;
  /** BF16 against an F32 CPU reference computed from the same BF16-rounded inputs. */
  static final double BF16_RTOL = 1e-2;
  /** F32 matrix products on TF32 tensor cores (10-bit mantissa inputs, F32 accumulation). */
  static final double TF32_RTOL = 1e-2;

  private Gpu() {}

  /** The backend under test (cuda:0, or the CPU in a dry run); skips the calling test when CUDA is unavailable. */
  static Backend backend() {
    if (DRY_RUN) return CPU;
    return cuda();
  }

  /** The CUDA backend itself, for CUDA-only tests; skips when CUDA is unavailable (and in a dry run). */
  static CudaBackend cuda() {
    assumeTrue(!DRY_RUN, "CUDA-only test skipped in a dry run");
    String reason = CudaBackend.unavailableReason();
    assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
    return (CudaBackend) Backends.get(CUDA);
  }

  /** Sets the F32 GEMM precision when the backend is CUDA. */
  static void setF32Gemm(Backend b, GemmPrecision p) {
    if (b instanceof CudaBackend c) c.setF32Gemm(p);
  }

  static double rtol(DType dtype) {
    return dtype == DType.BF16 ? BF16_RTOL : F32_RTOL;
  }

  /** N(0, 1) values on the CPU in {@code dtype} (BF16 rounds them). */
  static Tensor randn(long seed, DType dtype, int... shape) {
    return Tensor.randn(new Rng(seed), 1.0, shape).to(dtype);
  }

  /** Uniform [lo, hi) on the CPU in {@code dtype}. */
  static Tensor uniform(long seed, DType dtype, double lo, double hi, int... shape) {
    return Tensor.uniform(new Rng(seed), lo, hi, shape).to(dtype);
  }

  /** Random integer ids in [0, bound) on the CPU, as I64 or I32. */
  static Tensor ids(long seed, DType dtype, int bound, int... shape) {
    Rng rng = new Rng(seed);
    long[] v = new long[Math.toIntExact(Shapes.numel(shape))];
    for (int i = 0; i < v.length; i++) v[i] = (long) (rng.nextDouble() * bound);
    Tensor t = Tensor.ofLongs(v, shape);
    return dtype == DType.I64 ? t : t.to(dtype);
  }

  /** The F32 CPU reference inputs of a CPU tensor (its exact values, BF16 widened). */
  static Tensor f32(Tensor cpu) {
    return cpu.to(DType.F32);
  }

  /**
   * The float64 CPU reference inputs of a CPU tensor: references of ops whose outputs cancel
   * (softmax backward, loss gradients) are computed in float64, so that the comparison measures
   * the device's rounding alone rather than the sum of two float32 roundings.
   */
  static Tensor f64(Tensor cpu) {
    return cpu.to(DType.F64);
  }

  /** A copy on the device under test (a separate copy in a dry run too). */
  static Tensor gpu(Tensor cpu) {
    return DRY_RUN ? cpu.copy() : cpu.to(CUDA);
  }

  /** A CPU tensor of {@code dtype}. */
  static Tensor cpuEmpty(DType dtype, int... shape) {
    return Tensor.empty(dtype, Device.CPU, shape);
  }

  /** A device tensor whose every element is NaN (floating) or -7 (integer) until a kernel writes it. */
  static Tensor poisoned(DType dtype, int... shape) {
    Tensor t = Tensor.empty(dtype, CUDA, shape);
    t.backend().fill(t, dtype.isFloating() ? Double.NaN : -7);
    return t;
  }

  /** Asserts GPU {@code actual} matches CPU {@code expected} (any dtypes, same shape). */
  static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
    Closeness.assertClose(what, expected, actual, rtol);
  }

  /**
   * As {@link #assertClose(String, Tensor, Tensor, double)} with the tolerance's scale at least
   * {@code floor}: for outputs that are exactly zero in exact arithmetic but computed from inputs
   * of magnitude {@code floor} (a one-class cross-entropy).
   */
  static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double floor) {
    Closeness.assertClose(what, expected, actual, rtol, floor);
  }

  static void assertClose(String what, double[] e, double[] a, double rtol) {
    Closeness.assertClose(what, e, a, rtol, 0);
  }

  /** Asserts exact equality (indices, masks, copies). */
  static void assertExact(String what, Tensor expected, Tensor actual) {
    assertClose(what, expected.toDoubleArray(), actual.toDoubleArray(), 0);
  }
}
