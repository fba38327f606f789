package jdistill.engine.cuda;

/**
 * The launch shape of one kernel: grid and block dimensions and the dynamic shared memory.
 *
 * @param gridX blocks along x (1 .. 2^31-1)
 * @param gridY blocks along y (1 .. 65535)
 * @param gridZ blocks along z (1 .. 65535)
 * @param blockX threads along x
 * @param blockY threads along y
 * @param blockZ threads along z
 * @param sharedBytes dynamic shared memory per block
 */
public record Grid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

  /** Largest grid extent along y and z. */
  public static final int MAX_GRID_YZ = 65535;

  public Grid {
    if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
      throw new IllegalArgumentException("invalid grid (" + gridX + ", " + gridY + ", " + gridZ + ")");
    }
    int threads = blockX * blockY * blockZ;
    if (blockX < 1 || blockY < 1 || blockZ < 1 || threads > 1024) {
      throw new IllegalArgumentException("invalid block (" + blockX + ", " + blockY + ", " + blockZ + "): 1 to 1024 threads");
    }
    if (sharedBytes < 0) throw new IllegalArgumentException("negative shared memory " + sharedBytes);
  }

  /** {@code blocks} blocks of {@code threads} threads along x. */
  public static Grid of(long blocks, int threads) {
    return new Grid(clampX(blocks), 1, 1, threads, 1, 1, 0);
  }

  /** A grid-stride launch over {@code work} items: enough blocks to cover it, capped at {@code maxBlocks}. */
  public static Grid covering(long work, int threads, long maxBlocks) {
    long blocks = Math.min(ceilDiv(Math.max(work, 1), threads), Math.max(maxBlocks, 1));
    return of(blocks, threads);
  }

  /** This grid with dynamic shared memory. */
  public Grid withShared(int bytes) {
    return new Grid(gridX, gridY, gridZ, blockX, blockY, blockZ, bytes);
  }

  /** Threads per block. */
  public int threads() {
    return blockX * blockY * blockZ;
  }

  /** ceil(a / b) for positive b. */
  public static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  static int clampX(long blocks) {
    return (int) Math.max(1, Math.min(blocks, Integer.MAX_VALUE));
  }

  static int clampYZ(long blocks) {
    return (int) Math.max(1, Math.min(blocks, MAX_GRID_YZ));
  }

  @Override
  public String toString() {
    return "grid(" + gridX + "," + gridY + "," + gridZ + ") block(" + blockX + "," + blockY + "," + blockZ + ")"
        + (sharedBytes > 0 ? " shared " + sharedBytes : "");
  }
}
