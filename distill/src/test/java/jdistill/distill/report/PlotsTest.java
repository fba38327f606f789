package jdistill.distill.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import jdistill.distill.train.MetricsHistory;
import jdistill.distill.train.MetricsLog;
import jdistill.distill.train.StepStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

  static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** A metrics file of {@code steps} train lines (loss decaying) and an eval every 5 steps. */
  static Path metrics(Path dir, int steps) throws Exception {
    Path file = dir.resolve("metrics.jsonl");
    try (MetricsLog log = MetricsLog.open(file, -1)) {
      for (int s = 1; s <= steps; s++) {
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("kd.kl", 3.0 / s);
        terms.put("kd.ce", 2.0 + 1.0 / s);
        log.train(new StepStats(s, 0, 0.5 * terms.get("kd.kl") + 0.5 * terms.get("kd.ce"), terms, Map.of("kd", 0.5), 1e-3 * Math.min(1, s / 5.0), 1.0, 64, 0.01), 6400, 0.01 * s);
        if (s % 5 == 0) log.eval(s, Map.of("perplexity", 20.0 - s / 2.0, "accuracy", 0.3 + s / 100.0));
      }
    }
    return file;
  }

  static void assertPng(Path file, int width, int height) throws Exception {
    assertTrue(Files.size(file) > 1000, file + " is " + Files.size(file) + " bytes");
    try (InputStream in = Files.newInputStream(file)) {
      assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(in.readNBytes(8), 8), file + " does not start with the PNG signature");
    }
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(width, img.getWidth());
    assertEquals(height, img.getHeight());
    // not a blank canvas: some pixels differ from the corner's background
    int bg = img.getRGB(0, 0);
    int differing = 0;
    for (int y = 0; y < height; y += 4) for (int x = 0; x < width; x += 4) if (img.getRGB(x, y) != bg) differing++;
    assertTrue(differing > 100, file + " looks blank");
  }

  @Test
  void writesValidPngsForLossLearningRateAndEachMetric(@TempDir Path dir) throws Exception {
    MetricsHistory h = MetricsHistory.read(metrics(dir, 40));
    assertEquals(40, h.train().size());
    assertEquals(List.of("kd.kl", "kd.ce"), h.termNames());
    assertEquals(List.of("perplexity", "accuracy"), h.metricNames().stream().sorted((a, b) -> b.compareTo(a)).toList());
    List<Plots.Plot> plots = Plots.all(h, dir.resolve("plots"));
    List<String> names = plots.stream().map(p -> p.file().getFileName().toString()).sorted().toList();
    assertEquals(List.of("eval-accuracy.png", "eval-perplexity.png", "learning-rate.png", "training-loss.png"), names);
    for (Plots.Plot p : plots) assertPng(p.file(), 900, 500);
  }

  @Test
  void nothingLoggedMeansNoChart(@TempDir Path dir) throws Exception {
    MetricsHistory empty = new MetricsHistory(List.of(), List.of());
    assertNull(Plots.trainingLoss(empty, dir.resolve("x.png")));
    assertTrue(Plots.evaluation(empty, dir).isEmpty());
    assertTrue(!Files.exists(dir.resolve("x.png")));
  }
}
