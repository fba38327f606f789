package jdistill.distill.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import jdistill.distill.train.MetricsHistory;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG line charts of a run, drawn with XChart off-screen ({@code java.awt.headless=true}): the
 * training loss and each loss term against the step, the learning rate, and one chart per
 * evaluation metric. Non-finite points are left out; a chart with no points is not written.
 */
public final class Plots {

  /** A written chart: its title and its file. */
  public record Plot(String title, Path file) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;

  private Plots() {}

  /** Every chart of {@code history} into {@code dir}: training-loss.png, learning-rate.png, eval-&lt;metric&gt;.png. */
  public static List<Plot> all(MetricsHistory history, Path dir) throws IOException {
    List<Plot> out = new ArrayList<>();
    Plot loss = trainingLoss(history, dir.resolve("training-loss.png"));
    if (loss != null) out.add(loss);
    Plot lr = learningRate(history, dir.resolve("learning-rate.png"));
    if (lr != null) out.add(lr);
    out.addAll(evaluation(history, dir));
    return out;
  }

  /** The weighted total loss and every unweighted term against the step; null when nothing was logged. */
  public static Plot trainingLoss(MetricsHistory h, Path png) throws IOException {
    XYChart chart = chart("Training loss", "step", "loss");
    boolean any = add(chart, "total (weighted)", h.train(), p -> p.loss());
    for (String term : h.termNames()) any |= add(chart, term, h.train(), p -> p.terms().getOrDefault(term, Double.NaN));
    return any ? save(chart, png) : null;
  }

  /** The learning rate against the step; null when nothing was logged. */
  public static Plot learningRate(MetricsHistory h, Path png) throws IOException {
    XYChart chart = chart("Learning rate", "step", "lr");
    chart.getStyler().setLegendVisible(false);
    return add(chart, "lr", h.train(), p -> p.lr()) ? save(chart, png) : null;
  }

  /** One chart per evaluation metric, {@code eval-<metric>.png} in {@code dir}. */
  public static List<Plot> evaluation(MetricsHistory h, Path dir) throws IOException {
    List<Plot> out = new ArrayList<>();
    for (String metric : h.metricNames()) {
      XYChart chart = chart("Evaluation: " + metric, "step", metric);
      chart.getStyler().setLegendVisible(false);
      List<double[]> pts = new ArrayList<>();
      for (MetricsHistory.EvalPoint p : h.eval()) pts.add(new double[] {p.step(), p.metrics().getOrDefault(metric, Double.NaN)});
      if (addPoints(chart, metric, pts, true)) out.add(save(chart, dir.resolve("eval-" + fileSafe(metric) + ".png")));
    }
    return out;
  }

  static String fileSafe(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_");
  }

  private static XYChart chart(String title, String x, String y) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    return chart;
  }

  private static boolean add(XYChart chart, String name, List<MetricsHistory.TrainPoint> points, ToDoubleFunction<MetricsHistory.TrainPoint> y) {
    List<double[]> pts = new ArrayList<>();
    for (MetricsHistory.TrainPoint p : points) pts.add(new double[] {p.step(), y.applyAsDouble(p)});
    return addPoints(chart, name, pts, points.size() <= 30);
  }

  private static boolean addPoints(XYChart chart, String name, List<double[]> pts, boolean markers) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (double[] p : pts) {
      if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
        xs.add(p[0]);
        ys.add(p[1]);
      }
    }
    if (xs.isEmpty()) return false;
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    return true;
  }

  private static Plot save(XYChart chart, Path png) throws IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Plot(chart.getTitle(), png);
  }
}
