package jdistill.bench;

import java.util.concurrent.TimeUnit;
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
 * The memory-bandwidth reference for memory-bound kernels: one {@code System.arraycopy} of a
 * 4096 x 3072 float array (48 MiB, larger than the caches) on one thread. GB/s counts the bytes
 * read plus the bytes written: {@code 2 * 4 * 4096 * 3072 / time}; {@link #GB_PER_OP} converts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CopyBenchmark {

  /** Elements copied per operation. */
  public static final int ELEMENTS = 4096 * 3072;
  /** Gigabytes moved (read + written) per operation. */
  public static final double GB_PER_OP = 2.0 * Float.BYTES * ELEMENTS / 1e9;

  private float[] src;
  private float[] dst;

  @Setup
  public void setup() {
    src = new float[ELEMENTS];
    dst = new float[ELEMENTS];
    for (int i = 0; i < ELEMENTS; i++) src[i] = i;
  }

  @Benchmark
  public float[] arraycopy() {
    System.arraycopy(src, 0, dst, 0, ELEMENTS);
    return dst;
  }
}
