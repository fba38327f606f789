package jdistill.distill.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.train.MetricsHistory;
import jdistill.distill.train.TrainResult;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.ModelFamily;
import jdistill.models.transformer.TransformerConfig;

/**
 * Puts a finished run's report together in its output folder: plots from metrics.jsonl into
 * {@code plots/}, the student exported to {@code student/} with its tokenizer, sizes on disk of
 * both models' exported weights, inference speed of both measured now by a {@link SpeedProbe},
 * and {@code report.md} plus {@code report.html}.
 */
public final class RunReport {

  /**
   * What the report is made from.
   *
   * @param title the heading
   * @param teacher the teacher
   * @param student the trained student (load the best checkpoint into it first if that is the one to ship)
   * @param teacherFolder the teacher's HF folder, measured for its size on disk; null to export it to a temporary folder and measure that
   * @param tokenizer a tokenizer file or folder to copy next to the exported student, or null
   * @param speedBatch the batch inference speed is measured on, or null to skip measuring
   * @param probe how to measure speed
   * @param teacherMetrics the teacher's evaluation metrics
   * @param studentMetrics the student's evaluation metrics
   * @param settings the run's settings to list
   * @param training the trainer's result, or null
   */
  public record Inputs(
      String title,
      DistillModel teacher,
      DistillModel student,
      Path teacherFolder,
      Path tokenizer,
      Batch speedBatch,
      SpeedProbe probe,
      Map<String, Double> teacherMetrics,
      Map<String, Double> studentMetrics,
      Map<String, String> settings,
      TrainResult training) {}

  /** What was written. */
  public record Outcome(DistillReport report, DistillReport.Written files, StudentExport.Exported student, List<Plots.Plot> plots) {}

  private RunReport() {}

  /** Writes plots, the exported student and the report into {@code runDir}. */
  public static Outcome write(Path runDir, Inputs in) throws IOException {
    Files.createDirectories(runDir);
    Path metrics = runDir.resolve("metrics.jsonl");
    MetricsHistory history = Files.isRegularFile(metrics) ? MetricsHistory.read(metrics) : new MetricsHistory(List.of(), List.of());
    List<Plots.Plot> plots = Plots.all(history, runDir.resolve("plots"));

    StudentExport.Exported exported = StudentExport.export(in.student().module(), runDir.resolve("student"), in.tokenizer());
    long studentBytes = modelBytes(exported.dir());
    long teacherBytes = in.teacherFolder() != null ? modelBytes(in.teacherFolder()) : exportedSize(in.teacher(), runDir);

    SpeedProbe probe = in.probe() != null ? in.probe() : SpeedProbe.defaults();
    SpeedProbe.Speed teacherSpeed = in.speedBatch() == null ? null : probe.measure(in.teacher(), in.speedBatch());
    SpeedProbe.Speed studentSpeed = in.speedBatch() == null ? null : probe.measure(in.student(), in.speedBatch());

    ModelFacts teacher = new ModelFacts("teacher", shape(in.teacher()), in.teacher().module().numParameters(), teacherBytes, teacherSpeed, in.teacherMetrics());
    ModelFacts student = new ModelFacts("student", shape(in.student()), in.student().module().numParameters(), studentBytes, studentSpeed, in.studentMetrics());
    DistillReport report = new DistillReport(in.title(), teacher, student, summary(in.training(), history), in.settings(), plots, exported.dir());
    return new Outcome(report, report.write(runDir), exported, plots);
  }

  /** "GPT2LMHeadModel: 2 layers, hidden 16, 2 heads, FFN 32, vocabulary 20". */
  static String shape(DistillModel m) {
    TransformerConfig c = m.config();
    String family;
    try {
      family = ModelFamily.of(m.module()).architecture();
    } catch (RuntimeException e) {
      family = m.module().getClass().getSimpleName();
    }
    return String.format(Locale.ROOT, "%s: %d layers, hidden %d, %d heads, FFN %d, vocabulary %d", family, c.layers(), c.hidden(), c.heads(), c.intermediate(), c.vocabSize());
  }

  private static DistillReport.TrainingSummary summary(TrainResult r, MetricsHistory h) {
    if (r == null && h.train().isEmpty()) return null;
    MetricsHistory.TrainPoint lastLogged = h.train().isEmpty() ? null : h.train().get(h.train().size() - 1);
    double loss = r != null && r.lastStep() != null ? r.lastStep().loss() : lastLogged != null ? lastLogged.loss() : Double.NaN;
    Map<String, Double> terms = r != null && r.lastStep() != null ? r.lastStep().terms() : lastLogged != null ? lastLogged.terms() : Map.of();
    long steps = r != null ? r.steps() : lastLogged.step();
    if (r != null && r.best() != null) {
      Path bestDir = r.lastCheckpoint() == null ? null : r.lastCheckpoint().resolveSibling(r.best().checkpoint());
      return new DistillReport.TrainingSummary(steps, r.stopped(), loss, terms, r.best().metric(), r.best().value(), r.best().step(), bestDir);
    }
    return new DistillReport.TrainingSummary(steps, r != null && r.stopped(), loss, terms, null, Double.NaN, -1, null);
  }

  /** Bytes of a HF folder's model files: config.json, *.safetensors and the shard index (not the tokenizer). */
  static long modelBytes(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) throw new IOException("model folder " + folder + " does not exist");
    long total = 0;
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String n = p.getFileName().toString();
        if (n.equals(HfCheckpoint.CONFIG) || n.endsWith(".safetensors") || n.equals(HfCheckpoint.INDEX)) total += Files.size(p);
      }
    }
    if (total == 0) throw new IOException("model folder " + folder + " holds no config.json or safetensors weights");
    return total;
  }

  private static long exportedSize(DistillModel m, Path runDir) throws IOException {
    Path tmp = runDir.resolve(".tmp-size-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      HfCheckpoint.save(m.module(), tmp);
      return modelBytes(tmp);
    } finally {
      if (Files.exists(tmp)) {
        try (Stream<Path> s = Files.walk(tmp)) {
          for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
      }
    }
  }
}
