package jdistill.distill.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes on disk of a file, or of every regular file under a folder. */
public final class DiskSize {

  private DiskSize() {}

  public static long of(Path path) throws IOException {
    if (Files.isRegularFile(path)) return Files.size(path);
    if (!Files.isDirectory(path)) throw new IOException("cannot measure " + path + ": no such file or folder");
    long total = 0;
    try (Stream<Path> s = Files.walk(path)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) total += Files.size(p);
    }
    return total;
  }

  /** "1.23 MB" style (decimal units). */
  public static String human(long bytes) {
    if (bytes < 1000) return bytes + " B";
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
