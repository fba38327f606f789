package jdistill.engine.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Deterministic data parallelism for the CPU backend: a range is cut into fixed chunks (the cut
 * depends only on the range and the grain, never on timing), so every output element is always
 * computed by the same code in the same order and results are bit-identical from run to run.
 */
public final class Parallel {

  /** Work on the half-open range {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static final ForkJoinPool POOL = createPool();

  private Parallel() {}

  private static ForkJoinPool createPool() {
    int threads = Integer.getInteger("jdistill.cpu.threads", Runtime.getRuntime().availableProcessors());
    return new ForkJoinPool(Math.max(1, threads));
  }

  /** The pool every CPU kernel runs on (size: {@code -Djdistill.cpu.threads}, default all cores). */
  public static ForkJoinPool pool() {
    return POOL;
  }

  /** Number of worker threads. */
  public static int threads() {
    return POOL.getParallelism();
  }

  /**
   * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} elements, in parallel
   * when there is more than one chunk. Small ranges run inline on the calling thread.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    if (n <= 0) return;
    int g = Math.max(1, grain);
    if (n <= g || threads() == 1 || ForkJoinTask.getPool() == POOL && n <= 2 * g) {
      body.run(0, n);
      return;
    }
    int chunks = Math.min((n + g - 1) / g, threads() * 4);
    if (ForkJoinTask.getPool() == POOL) {
      new Chunk(body, 0, n, chunks).compute();
    } else {
      POOL.invoke(new Chunk(body, 0, n, chunks));
    }
  }

  private static final class Chunk extends RecursiveAction {
    private final RangeBody body;
    private final int from;
    private final int to;
    private final int chunks;

    Chunk(RangeBody body, int from, int to, int chunks) {
      this.body = body;
      this.from = from;
      this.to = to;
      this.chunks = chunks;
    }

    @Override
    protected void compute() {
      if (chunks <= 1) {
        body.run(from, to);
        return;
      }
      int leftChunks = chunks / 2;
      int mid = from + (int) ((long) (to - from) * leftChunks / chunks);
      invokeAll(new Chunk(body, from, mid, leftChunks), new Chunk(body, mid, to, chunks - leftChunks));
    }
  }
}
