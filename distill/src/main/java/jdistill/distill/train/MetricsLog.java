package jdistill.distill.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's metrics as JSON lines: one {@code "type":"train"} line per logged step (step, epoch,
 * the mean loss and mean of each term over the steps since the previous line, each method weight,
 * lr, gradient norm, tokens/s, elapsed seconds) and one
 * {@code "type":"eval"} line per evaluation (step and every metric). Each line is flushed as it is
 * written. {@link MetricsHistory} reads the file back.
 */
public final class MetricsLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;

  private MetricsLog(BufferedWriter out) {
    this.out = out;
  }

  /**
   * Opens {@code file}: a fresh run ({@code resumeStep} < 0) starts it empty; a resumed run keeps
   * the lines up to and including {@code resumeStep} (later ones were written after the checkpoint
   * and will be written again) and appends.
   */
  public static MetricsLog open(Path file, long resumeStep) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    if (resumeStep >= 0 && Files.isRegularFile(file)) {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        try {
          if (JSON.readTree(line).path("step").asLong(Long.MAX_VALUE) <= resumeStep) kept.add(line);
        } catch (IOException e) {
          // a torn last line from a crash: drop it
        }
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, kept, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }
    return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }

  /** Writes a train line for {@code s}; {@code tokensPerSecond} is measured over the logging window. */
  public void train(StepStats s, double tokensPerSecond, double elapsedSeconds) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "train");
    n.put("step", s.step());
    n.put("epoch", s.epoch());
    n.put("loss", s.loss());
    ObjectNode terms = n.putObject("terms");
    for (var e : s.terms().entrySet()) terms.put(e.getKey(), e.getValue());
    ObjectNode weights = n.putObject("weights");
    for (var e : s.weights().entrySet()) weights.put(e.getKey(), e.getValue());
    n.put("lr", s.lr());
    n.put("grad_norm", s.gradNorm());
    n.put("tokens_per_s", tokensPerSecond);
    n.put("elapsed_s", elapsedSeconds);
    write(n);
  }

  /** Writes an eval line. */
  public void eval(long step, Map<String, Double> metrics) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "eval");
    n.put("step", step);
    ObjectNode m = n.putObject("metrics");
    for (var e : metrics.entrySet()) m.put(e.getKey(), e.getValue());
    write(n);
  }

  private void write(ObjectNode n) throws IOException {
    out.write(JSON.writeValueAsString(n));
    out.newLine();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
