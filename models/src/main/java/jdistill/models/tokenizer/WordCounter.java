package jdistill.models.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Counts the pre-tokenized pieces of a corpus, the input of the trainers. */
public final class WordCounter {
  private WordCounter() {}

  /** Piece counts of {@code lines} under {@code normalizer} and {@code preTokenizer} (either may be null). */
  public static Map<String, Long> count(Iterable<String> lines, Normalizer normalizer, PreTokenizer preTokenizer) {
    return count(StreamSupport.stream(lines.spliterator(), true), normalizer, preTokenizer);
  }

  /** Piece counts of the lines of UTF-8 {@code file}. */
  public static Map<String, Long> count(Path file, Normalizer normalizer, PreTokenizer preTokenizer) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return count(lines.parallel(), normalizer, preTokenizer);
    } catch (UncheckedIOException e) {
      throw new IOException(file + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static Map<String, Long> count(Stream<String> lines, Normalizer normalizer, PreTokenizer preTokenizer) {
    ConcurrentHashMap<String, Long> counts = new ConcurrentHashMap<>();
    lines.forEach(line -> {
      for (String piece : Tokenizer.pieces(normalizer, preTokenizer, line)) counts.merge(piece, 1L, Long::sum);
    });
    return counts;
  }
}
