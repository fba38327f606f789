package jdistill.distill.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillReportTest {

  private static DistillReport report(Path dir, List<Plots.Plot> plots) {
    Map<String, Double> tm = new LinkedHashMap<>();
    tm.put("perplexity", 12.3456789);
    tm.put("accuracy", 0.9);
    Map<String, Double> sm = new LinkedHashMap<>();
    sm.put("perplexity", 14.5);
    sm.put("accuracy", 0.855);
    sm.put("agreement", 0.8765);
    ModelFacts teacher = new ModelFacts("teacher", "GPT2LMHeadModel: 12 layers", 124_439_808, 497_774_208, new SpeedProbe.Speed(2000, 16.0, 4, 8), tm);
    ModelFacts student = new ModelFacts("student", "GPT2LMHeadModel: 6 layers", 81_912_576, 327_657_472, new SpeedProbe.Speed(3500, 9.142857, 4, 8), sm);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("methods", "kd x 0.5 + ce x 0.5");
    settings.put("learning rate", "3e-4 <cosine>");
    var training = new DistillReport.TrainingSummary(5000, false, 2.75, Map.of("kd.kl", 1.25), "perplexity", 14.25, 4000, dir.resolve("checkpoints/step-00004000"));
    return new DistillReport("GPT-2 to distilGPT-2", teacher, student, training, settings, plots, dir.resolve("student"));
  }

  @Test
  void markdownHoldsEveryNumberGiven(@TempDir Path dir) throws Exception {
    String md = report(dir, List.of()).markdown(dir);
    for (String expected : List.of(
        "# GPT-2 to distilGPT-2",
        "| parameters | 124,439,808 | 81,912,576 | 0.66x (1.52x smaller) |",
        "497.77 MB (497,774,208 bytes)",
        "327.66 MB (327,657,472 bytes)",
        "2,000 tokens/s (16.000 ms per 4x8 batch)",
        "3,500 tokens/s (9.143 ms per 4x8 batch)",
        "| inference speed |",
        "1.75x faster",
        "| perplexity | 12.3457 | 14.5000 | +2.1543 | 117.5% |",
        "| accuracy | 0.9000 | 0.8550 | -0.0450 | 95.0% |",
        "| agreement | - | 0.8765 |  |  |",
        "| steps | 5,000 |",
        "| final loss | 2.7500 |",
        "| final kd.kl | 1.2500 |",
        "| best perplexity | 14.2500 at step 4000 |",
        "`checkpoints/step-00004000`",
        "| methods | kd x 0.5 + ce x 0.5 |",
        "Hugging Face folder: `student`",
        "The student has 65.8% of the teacher's parameters (81,912,576 vs 124,439,808) and runs 1.75x as fast here.")) {
      assertTrue(md.contains(expected), "missing: " + expected + "\n---\n" + md);
    }
  }

  @Test
  void htmlEmbedsThePlotsAndEscapesText(@TempDir Path dir) throws Exception {
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    Path png = dir.resolve("plots").resolve("a.png");
    Files.createDirectories(png.getParent());
    ImageIO.write(img, "png", png.toFile());
    DistillReport r = report(dir, List.of(new Plots.Plot("Training loss", png)));
    DistillReport.Written w = r.write(dir);
    String html = Files.readString(w.html());
    assertTrue(html.contains("<img alt=\"Training loss\" src=\"data:image/png;base64,iVBORw0KGgo"), "PNG embedded");
    assertTrue(html.contains("3e-4 &lt;cosine&gt;"));
    assertFalse(html.contains("<cosine>"));
    assertTrue(html.contains("<td>124,439,808</td>"));
    assertTrue(html.contains("<td>14.5000</td>"));
    String md = Files.readString(w.markdown());
    assertTrue(md.contains("![Training loss](plots/a.png)"), md);
    assertEquals(List.of("a.png"), Files.list(png.getParent()).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void formatting() {
    assertEquals("n/a", DistillReport.number(Double.NaN));
    assertEquals("12,345.7", DistillReport.number(12345.67));
    assertEquals("0.0001", DistillReport.number(1e-4));
    assertEquals("999 B", DiskSize.human(999));
    assertEquals("1.50 kB", DiskSize.human(1500));
  }
}
