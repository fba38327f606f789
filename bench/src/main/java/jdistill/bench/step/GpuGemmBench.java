package jdistill.bench.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.cuda.CudaBackend;
import jdistill.engine.cuda.GemmPrecision;

/**
 * Our CUDA matrix product ({@link Backend#matmul}) in TFLOP/s at given shapes and dtypes, F32
 * products in a chosen {@link GemmPrecision}. Inputs are random (never zeros) and rotate among
 * enough sets to exceed the L2 cache; each product's first 16 rows are checked against an F64
 * product of the same (already rounded) inputs on the CPU.
 */
public final class GpuGemmBench {

  /** One measured product. */
  public record Row(GemmShape shape, DType dtype, String precision, double seconds, double relError) {
    public double tflops() {
      return shape.tflops(seconds);
    }
  }

  private GpuGemmBench() {}

  /** Runs every shape in every dtype on {@code device} (a CUDA device). */
  public static List<Row> run(Device device, List<GemmShape> shapes, List<DType> dtypes, GemmPrecision f32, int trials, long seed) {
    Backend backend = Backends.get(device);
    CudaBackend cuda = (CudaBackend) backend;
    GemmPrecision saved = cuda.f32Gemm();
    cuda.setF32Gemm(f32);
    List<Row> rows = new ArrayList<>();
    Rng rng = new Rng(seed);
    try {
      for (DType dt : dtypes) {
        for (GemmShape s : shapes) {
          try (Scope scope = Scope.open()) {
            int sets = inputSets(s, dt);
            Tensor[] a = new Tensor[sets];
            Tensor[] b = new Tensor[sets];
            for (int i = 0; i < sets; i++) {
              a[i] = Tensor.uniform(rng, -1, 1, s.m(), s.k()).to(dt).to(device);
              b[i] = Tensor.uniform(rng, -1, 1, s.k(), s.n()).to(dt).to(device);
            }
            Tensor out = Tensor.empty(dt, device, s.m(), s.n());
            backend.fill(out, Double.NaN);
            backend.matmul(a[0], b[0], out, false);
            double err = relErrorOfHead(a[0], b[0], out, 16);
            double sec = DeviceTimer.medianSeconds(backend, 3, trials, 0.05, i -> backend.matmul(a[i % sets], b[i % sets], out, false));
            rows.add(new Row(s, dt, dt == DType.F32 ? f32.name().toLowerCase(Locale.ROOT) : "bf16", sec, err));
          }
        }
      }
    } finally {
      cuda.setF32Gemm(saved);
    }
    return rows;
  }

  /** Input sets so that A and B together pass 256 MB (the L2 is 50 MB on an H100), at most 8. */
  static int inputSets(GemmShape s, DType dt) {
    long perSet = ((long) s.m() * s.k() + (long) s.k() * s.n()) * dt.byteSize();
    return (int) Math.max(1, Math.min(8, (256L << 20) / Math.max(perSet, 1) + 1));
  }

  /** ||out - ref|| / ||ref|| over the first {@code rows} rows, ref in F64 on the CPU from the same inputs. */
  static double relErrorOfHead(Tensor a, Tensor b, Tensor out, int rows) {
    int r = Math.min(rows, a.shape(0));
    double[] ref = a.narrow(0, 0, r).to(Device.CPU).to(DType.F64).matmul(b.to(Device.CPU).to(DType.F64)).toDoubleArray();
    double[] got = out.narrow(0, 0, r).to(Device.CPU).to(DType.F64).toDoubleArray();
    return relError(got, ref);
  }

  /** ||got - ref|| / ||ref|| (Frobenius); NaN anywhere gives NaN. */
  public static double relError(double[] got, double[] ref) {
    double num = 0, den = 0;
    for (int i = 0; i < ref.length; i++) {
      double d = got[i] - ref[i];
      num += d * d;
      den += ref[i] * ref[i];
    }
    return Math.sqrt(num) / Math.sqrt(den);
  }

  /** The largest error a correct product shows: bf16 operands and output 1e-2, tf32 5e-3, fp32 1e-5. */
  public static double tolerance(DType dt, String precision) {
    if (dt == DType.BF16) return 1e-2;
    return precision.equals("tf32") ? 5e-3 : 1e-5;
  }
}
