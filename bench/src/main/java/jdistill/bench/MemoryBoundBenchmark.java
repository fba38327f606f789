package jdistill.bench;

import java.util.concurrent.TimeUnit;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory-bound kernels of the CPU backend over a 4096 x 3072 float tensor (48 MiB): softmax and
 * layer norm along the last dim, called on the backend directly with preallocated outputs so only
 * the kernel is timed. Each reads the input once and writes the output once, so GB/s counts {@link
 * CopyBenchmark#GB_PER_OP} per operation, the same bytes as the copy reference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MemoryBoundBenchmark {

  static final int ROWS = 4096;
  static final int COLS = 3072;

  private Backend backend;
  private Tensor x;
  private Tensor out;
  private Tensor weight;
  private Tensor bias;
  private Tensor mean;
  private Tensor rstd;

  @Setup
  public void setup() {
    Rng rng = new Rng(1);
    x = Tensor.randn(rng, 1.0, ROWS, COLS);
    out = Tensor.zeros(ROWS, COLS);
    weight = Tensor.randn(rng, 1.0, COLS);
    bias = Tensor.randn(rng, 1.0, COLS);
    mean = Tensor.zeros(ROWS);
    rstd = Tensor.zeros(ROWS);
    backend = x.backend();
  }

  @Benchmark
  public Tensor softmax() {
    backend.softmax(x, false, out);
    return out;
  }

  @Benchmark
  public Tensor layerNorm() {
    backend.layerNorm(x, weight, bias, 1e-5, out, mean, rstd);
    return out;
  }
}
