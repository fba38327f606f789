package jdistill.distill.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import jdistill.engine.Tensor;
import jdistill.engine.io.Safetensors;

/**
 * The checkpoints of one run, in {@code <output>/checkpoints}: one folder per saved step ({@code
 * step-00000120}), each written under a temporary name and renamed into place only once complete,
 * so a crash or an error never leaves a half-written checkpoint under a real name. Two pointer
 * files, {@code LAST} and {@code BEST}, name the folders of the last and the best checkpoint; each
 * is replaced atomically. Folders neither pointer names are pruned.
 */
public final class CheckpointStore {

  public static final String LAST = "LAST";
  public static final String BEST = "BEST";
  private static final String TMP_PREFIX = ".tmp-";

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  /** The checkpoints folder. */
  public Path dir() {
    return dir;
  }

  /** The folder name of step {@code step}. */
  public static String folderName(long step) {
    return String.format(Locale.ROOT, "step-%08d", step);
  }

  /**
   * Writes a checkpoint for {@code state.step()} and returns its folder. When that folder already
   * exists and a pointer names it (it was just saved as the best), it is returned unchanged; an
   * unreferenced leftover of the same name is replaced.
   */
  public Path save(Map<String, Tensor> student, Map<String, Tensor> extras, Map<String, Tensor> optimizer, RunState state) throws IOException {
    Files.createDirectories(dir);
    String name = folderName(state.step());
    Path target = dir.resolve(name);
    if (Files.isDirectory(target)) {
      if (referenced().contains(name)) return target;
      deleteTree(target);
    }
    Path tmp = dir.resolve(TMP_PREFIX + name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectory(tmp);
      Safetensors.save(tmp.resolve(Checkpoint.STUDENT), student, Map.of("format", "pt"));
      if (!extras.isEmpty()) Safetensors.save(tmp.resolve(Checkpoint.EXTRAS), extras);
      Safetensors.save(tmp.resolve(Checkpoint.OPTIMIZER), optimizer);
      byte[] json = Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
      writeSynced(tmp.resolve(Checkpoint.STATE), json);
      syncDir(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDir(dir);
      return target;
    } catch (Throwable e) {
      try {
        deleteTree(tmp);
      } catch (IOException | UncheckedIOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof IOException io) throw new IOException("cannot write checkpoint " + target + ": " + io.getMessage(), io);
      throw e;
    }
  }

  /** Points {@code LAST} at {@code checkpoint}. */
  public void markLast(Path checkpoint) throws IOException {
    point(LAST, checkpoint);
  }

  /** Points {@code BEST} at {@code checkpoint}. */
  public void markBest(Path checkpoint) throws IOException {
    point(BEST, checkpoint);
  }

  /** The folder {@code LAST} names, if any. */
  public Optional<Path> last() throws IOException {
    return pointed(LAST);
  }

  /** The folder {@code BEST} names, if any. */
  public Optional<Path> best() throws IOException {
    return pointed(BEST);
  }

  /** Deletes step folders no pointer names and leftover temporary folders. */
  public void prune() throws IOException {
    if (!Files.isDirectory(dir)) return;
    Set<String> keep = referenced();
    List<Path> doomed = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isDirectory).forEach(p -> {
        String n = p.getFileName().toString();
        if (n.startsWith(TMP_PREFIX) || n.startsWith("step-") && !keep.contains(n)) doomed.add(p);
      });
    }
    for (Path p : doomed) deleteTree(p);
  }

  /**
   * The checkpoint folder meant by {@code path}: a checkpoint folder itself, a checkpoints folder
   * (its {@code LAST}), or a run's output folder (its {@code checkpoints/LAST}).
   */
  public static Path resolve(Path path) throws IOException {
    if (Files.isRegularFile(path.resolve(Checkpoint.STATE))) return path;
    for (Path d : new Path[] {path, path.resolve("checkpoints")}) {
      if (Files.isRegularFile(d.resolve(LAST))) {
        return new CheckpointStore(d).last().orElseThrow();
      }
    }
    throw new IOException("no checkpoint at " + path + ": expected a folder with " + Checkpoint.STATE + ", or a run folder with checkpoints/" + LAST);
  }

  private void point(String pointer, Path checkpoint) throws IOException {
    if (!checkpoint.getParent().equals(dir)) throw new IllegalArgumentException(checkpoint + " is not a checkpoint of " + dir);
    Path tmp = dir.resolve(TMP_PREFIX + pointer + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    writeSynced(tmp, (checkpoint.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(tmp, dir.resolve(pointer), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(pointer), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDir(dir);
  }

  private Optional<Path> pointed(String pointer) throws IOException {
    Path p = dir.resolve(pointer);
    if (!Files.isRegularFile(p)) return Optional.empty();
    String name = Files.readString(p, StandardCharsets.UTF_8).trim();
    Path folder = dir.resolve(name);
    if (name.isEmpty() || name.contains("/") || !Files.isDirectory(folder)) {
      throw new IOException(p + " names checkpoint '" + name + "', which does not exist in " + dir);
    }
    return Optional.of(folder);
  }

  private Set<String> referenced() throws IOException {
    Set<String> names = new HashSet<>();
    for (String pointer : new String[] {LAST, BEST}) {
      Path p = dir.resolve(pointer);
      if (Files.isRegularFile(p)) names.add(Files.readString(p, StandardCharsets.UTF_8).trim());
    }
    return names;
  }

  private static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      var buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
  }

  /** Flushes a directory's entries to disk where the platform allows it (best effort). */
  private static void syncDir(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a directory; the rename is still atomic
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
