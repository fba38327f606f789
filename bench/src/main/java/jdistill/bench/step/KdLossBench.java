package jdistill.bench.step;

import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import jdistill.engine.backend.Backends;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.cuda.CudaBackend;
import jdistill.engine.cuda.CudaStorage;

/**
 * The fused soft-target loss ({@link Backend#softTargetLoss}, KL at T = 2) over {@code [rows,
 * vocab]} logits in GB/s, against two device copies of one logit tensor timed in the same run: the
 * driver's memcpy (the bandwidth ceiling) and the backend's copy kernel. The logits are random:
 * 512 distinct rows tiled, each row scaled by its own factor in [0.5, 1.5]. The first rows' losses
 * and gradients are checked against F64 on the CPU.
 */
public final class KdLossBench {

  /** The figures: seconds per call of the loss, the memcpy and the copy kernel, and the check. */
  public record Result(KdLossTraffic traffic, double lossSeconds, double memcpySeconds, double copyKernelSeconds, double lossRelError, double gradRelError) {
    public double lossGbps() {
      return KdLossTraffic.gbPerSecond(traffic.lossBytes(), lossSeconds);
    }

    public double memcpyGbps() {
      return KdLossTraffic.gbPerSecond(traffic.copyBytes(), memcpySeconds);
    }

    public double copyKernelGbps() {
      return KdLossTraffic.gbPerSecond(traffic.copyBytes(), copyKernelSeconds);
    }
  }

  public static final double TEMPERATURE = 2.0;

  private KdLossBench() {}

  /** Runs on {@code device} (a CUDA device). */
  public static Result run(Device device, int rows, int vocab, DType dtype, boolean withGradient, int trials, long seed) {
    Backend backend = Backends.get(device);
    CudaBackend cuda = (CudaBackend) backend;
    KdLossTraffic traffic = new KdLossTraffic(rows, vocab, dtype.byteSize(), withGradient);
    Rng rng = new Rng(seed);
    try (Scope scope = Scope.open()) {
      Tensor student = randomLogits(rng, rows, vocab, dtype, device);
      Tensor teacher = randomLogits(rng, rows, vocab, dtype, device);
      Tensor loss = Tensor.empty(dtype, device, rows);
      Tensor grad = withGradient ? Tensor.empty(dtype, device, rows, vocab) : null;
      Tensor dst = Tensor.empty(dtype, device, rows, vocab);
      backend.fill(loss, Double.NaN);
      if (grad != null) backend.fill(grad, Double.NaN);
      backend.softTargetLoss(SoftTargetLoss.KL, student, teacher, TEMPERATURE, null, loss, grad);
      double[] errs = check(student, teacher, loss, grad, Math.min(4, rows));
      double lossSec = DeviceTimer.medianSeconds(backend, 3, trials, 0.05,
          i -> backend.softTargetLoss(SoftTargetLoss.KL, student, teacher, TEMPERATURE, null, loss, grad));
      long src = ((CudaStorage) student.storage()).address();
      long dstAddr = ((CudaStorage) dst.storage()).address();
      long bytes = traffic.logitElements() * dtype.byteSize();
      double memcpySec = DeviceTimer.medianSeconds(backend, 3, trials, 0.05, i -> cuda.copyDeviceToDevice(dstAddr, src, bytes));
      double copySec = DeviceTimer.medianSeconds(backend, 3, trials, 0.05, i -> backend.copy(student, dst));
      return new Result(traffic, lossSec, memcpySec, copySec, errs[0], errs[1]);
    }
  }

  private static Tensor randomLogits(Rng rng, int rows, int vocab, DType dtype, Device device) {
    int tile = Math.min(rows, 512);
    Tensor base = Tensor.randn(rng, 2.0, tile, vocab).to(dtype).to(device);
    int reps = (rows + tile - 1) / tile;
    Tensor tiled = base.unsqueeze(0).expand(reps, tile, vocab).contiguous().reshape(reps * tile, vocab).narrow(0, 0, rows);
    Tensor scale = Tensor.uniform(rng, 0.5, 1.5, rows, 1).to(dtype).to(device);
    return tiled.mul(scale).contiguous();
  }

  /** Relative errors of the first {@code n} rows' losses and gradients against F64 on the CPU (grad NaN-free check included). */
  static double[] check(Tensor student, Tensor teacher, Tensor loss, Tensor grad, int n) {
    int v = student.shape(1);
    double[] s = student.narrow(0, 0, n).to(Device.CPU).to(DType.F64).toDoubleArray();
    double[] t = teacher.narrow(0, 0, n).to(Device.CPU).to(DType.F64).toDoubleArray();
    double[] refLoss = new double[n];
    double[] refGrad = new double[n * v];
    klRows(s, t, n, v, TEMPERATURE, refLoss, refGrad);
    double[] gotLoss = loss.narrow(0, 0, n).to(Device.CPU).to(DType.F64).toDoubleArray();
    double lossErr = GpuGemmBench.relError(gotLoss, refLoss);
    double gradErr = grad == null ? 0 : GpuGemmBench.relError(grad.narrow(0, 0, n).to(Device.CPU).to(DType.F64).toDoubleArray(), refGrad);
    return new double[] {lossErr, gradErr};
  }

  /**
   * Reference per row: {@code loss = T^2 sum p_t (log p_t - log p_s)} with {@code p = softmax(x/T)},
   * gradient {@code T (p_s - p_t)}; rows of {@code v} values, row-major.
   */
  public static void klRows(double[] s, double[] t, int n, int v, double temp, double[] loss, double[] grad) {
    for (int r = 0; r < n; r++) {
      double[] ls = logSoftmax(s, r * v, v, temp);
      double[] lt = logSoftmax(t, r * v, v, temp);
      double sum = 0;
      for (int j = 0; j < v; j++) {
        double pt = Math.exp(lt[j]);
        sum += pt * (lt[j] - ls[j]);
        grad[r * v + j] = temp * (Math.exp(ls[j]) - pt);
      }
      loss[r] = temp * temp * sum;
    }
  }

  private static double[] logSoftmax(double[] x, int off, int v, double temp) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < v; j++) max = Math.max(max, x[off + j] / temp);
    double z = 0;
    for (int j = 0; j < v; j++) z += Math.exp(x[off + j] / temp - max);
    double lz = Math.log(z) + max;
    double[] out = new double[v];
    for (int j = 0; j < v; j++) out[j] = x[off + j] / temp - lz;
    return out;
  }
}
