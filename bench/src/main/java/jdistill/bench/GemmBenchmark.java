package jdistill.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdistill.engine.cpu.Gemm;
import jdistill.engine.cpu.Parallel;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * fp32 GEMM throughput: jdistill's {@link Gemm#sgemm} against OpenBLAS {@code cblas_sgemm} (through
 * JavaCPP) on the same shapes, layouts and number of threads ({@link Parallel#threads()}, set with
 * {@code -Djdistill.cpu.threads}). Shapes are {@code MxNxK}: 1024 cubed and the four GEMMs of a
 * GPT-2-small layer over 4096 tokens (QKV, attention output, MLP up, MLP down). Run it with
 * {@code jdistill bench gemm}, which prints GFLOP/s and the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GemmBenchmark {

  /** The default shapes, {@code MxNxK}. */
  public static final String[] SHAPES = {
    "1024x1024x1024", "4096x2304x768", "4096x768x768", "4096x3072x768", "4096x768x3072"
  };

  @Param({"1024x1024x1024", "4096x2304x768", "4096x768x768", "4096x3072x768", "4096x768x3072"})
  public String shape;

  /** Layout: two letters for A and B, N (as stored, row-major) or T (transposed). */
  @Param({"NN"})
  public String trans;

  private int m;
  private int n;
  private int k;
  private boolean ta;
  private boolean tb;
  private float[] a;
  private float[] b;
  private float[] c;
  private FloatPointer pa;
  private FloatPointer pb;
  private FloatPointer pc;

  @Setup(Level.Trial)
  public void setup() {
    int[] mnk = parseShape(shape);
    m = mnk[0];
    n = mnk[1];
    k = mnk[2];
    if (!trans.matches("[NT][NT]")) {
      throw new IllegalArgumentException("trans must be NN, NT, TN or TT, got '" + trans + "'");
    }
    ta = trans.charAt(0) == 'T';
    tb = trans.charAt(1) == 'T';
    SplittableRandom rnd = new SplittableRandom(42);
    a = random(rnd, m * k);
    b = random(rnd, k * n);
    c = new float[m * n];
    pa = new FloatPointer(a);
    pb = new FloatPointer(b);
    pc = new FloatPointer((long) m * n);
    openblas.blas_set_num_threads(Parallel.threads());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pa.close();
    pb.close();
    pc.close();
  }

  @Benchmark
  public void jdistill() {
    Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, c, 0, n, false);
  }

  @Benchmark
  public void openblas() {
    openblas.cblas_sgemm(openblas.CblasRowMajor, ta ? openblas.CblasTrans : openblas.CblasNoTrans,
        tb ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, pa, ta ? m : k, pb, tb ? k : n,
        0f, pc, n);
  }

  /** {@code "MxNxK"} to {@code {M, N, K}}. */
  public static int[] parseShape(String s) {
    String[] parts = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    if (parts.length != 3) throw new IllegalArgumentException("shape must be MxNxK, got '" + s + "'");
    int[] r = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        r[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("shape must be MxNxK with positive integers, got '" + s + "'");
      }
      if (r[i] <= 0) throw new IllegalArgumentException("shape must be MxNxK with positive integers, got '" + s + "'");
    }
    return r;
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
    return x;
  }
}
