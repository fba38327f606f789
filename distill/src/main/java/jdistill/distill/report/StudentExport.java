package jdistill.distill.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;

/**
 * Exports the trained student as a Hugging Face folder (config.json + model.safetensors, HF's
 * names, no method extras) with its tokenizer files copied beside it, so the folder loads in HF
 * transformers unchanged. The folder is assembled under a temporary name and renamed into place.
 */
public final class StudentExport {

  /** Tokenizer files copied from a tokenizer folder, when present. */
  public static final List<String> TOKENIZER_FILES = List.of(
      "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.txt", "vocab.json", "merges.txt");

  /** The written folder, its size, and the tokenizer files copied into it. */
  public record Exported(Path dir, long bytes, List<String> tokenizerFiles) {}

  private StudentExport() {}

  /**
   * Writes {@code student} to {@code dir} (replacing an earlier export). {@code tokenizer} is null,
   * a tokenizer file, or a folder whose known tokenizer files ({@link #TOKENIZER_FILES}) are copied.
   */
  public static Exported export(Module student, Path dir, Path tokenizer) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve(".tmp-" + dir.getFileName() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    List<String> copied = new ArrayList<>();
    try {
      HfCheckpoint.save(student, tmp);
      if (tokenizer != null) copied.addAll(copyTokenizer(tokenizer, tmp));
      if (Files.exists(dir)) {
        Path old = parent.resolve(".old-" + dir.getFileName() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    return new Exported(dir, DiskSize.of(dir), List.copyOf(copied));
  }

  private static List<String> copyTokenizer(Path tokenizer, Path into) throws IOException {
    List<String> copied = new ArrayList<>();
    if (Files.isRegularFile(tokenizer)) {
      Files.copy(tokenizer, into.resolve(tokenizer.getFileName().toString()));
      copied.add(tokenizer.getFileName().toString());
    } else if (Files.isDirectory(tokenizer)) {
      for (String name : TOKENIZER_FILES) {
        Path f = tokenizer.resolve(name);
        if (Files.isRegularFile(f)) {
          Files.copy(f, into.resolve(name));
          copied.add(name);
        }
      }
      if (copied.isEmpty()) throw new IOException("tokenizer folder " + tokenizer + " holds none of " + TOKENIZER_FILES);
    } else {
      throw new IOException("tokenizer " + tokenizer + " does not exist");
    }
    return copied;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
