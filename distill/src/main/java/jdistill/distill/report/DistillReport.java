package jdistill.distill.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The comparison of teacher and student after a run, as Markdown (plots linked) and as a single
 * self-contained HTML page (plots embedded): shape, parameters, size on disk, measured inference
 * speed, every evaluation metric side by side with difference and ratio, how training went, the
 * run's settings and where the exported student is.
 *
 * @param title the report's heading
 * @param teacher the teacher's facts
 * @param student the student's facts
 * @param training how the run went, or null
 * @param settings the run's settings to list (method weights, learning rate, ...), in order
 * @param plots charts to show, in order
 * @param studentExport the exported student folder, or null
 */
public record DistillReport(String title, ModelFacts teacher, ModelFacts student, TrainingSummary training, Map<String, String> settings, List<Plots.Plot> plots, Path studentExport) {

  /**
   * How training went.
   *
   * @param steps optimizer steps completed
   * @param stopped true when stopped early on request
   * @param finalLoss the last logged total loss
   * @param finalTerms the last logged loss terms
   * @param bestMetric the metric that chose the best checkpoint, or null
   * @param bestValue its best value
   * @param bestStep the step it was reached at
   * @param bestCheckpoint the best checkpoint's folder, or null
   */
  public record TrainingSummary(long steps, boolean stopped, double finalLoss, Map<String, Double> finalTerms, String bestMetric, double bestValue, long bestStep, Path bestCheckpoint) {}

  public DistillReport {
    if (teacher == null || student == null) throw new IllegalArgumentException("a report needs the teacher's and the student's facts");
    settings = settings == null ? Map.of() : settings;
    plots = plots == null ? List.of() : List.copyOf(plots);
  }

  /** Written report files. */
  public record Written(Path markdown, Path html) {}

  /** Writes report.md and report.html into {@code dir} (each atomically); plots are linked relative to it. */
  public Written write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path md = dir.resolve("report.md");
    Path html = dir.resolve("report.html");
    writeAtomically(md, markdown(dir));
    writeAtomically(html, html());
    return new Written(md, html);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---- markdown -----------------------------------------------------------------------------------

  /** The Markdown text; plot and folder links are relative to {@code reportDir}. */
  public String markdown(Path reportDir) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append(summaryLine()).append("\n\n");
    sb.append("## Models\n\n");
    table(sb, List.of("", teacher.name(), student.name(), "student vs teacher"), modelRows());
    if (!metricNames().isEmpty()) {
      sb.append("\n## Metrics\n\n");
      table(sb, List.of("metric", teacher.name(), student.name(), "difference", "student / teacher"), metricRows());
    }
    if (training != null) {
      sb.append("\n## Training\n\n");
      table(sb, List.of("", "value"), trainingRows(reportDir));
    }
    if (!settings.isEmpty()) {
      sb.append("\n## Settings\n\n");
      table(sb, List.of("setting", "value"), settings.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
    }
    if (!plots.isEmpty()) {
      sb.append("\n## Plots\n\n");
      for (Plots.Plot p : plots) sb.append("![").append(p.title()).append("](").append(relative(reportDir, p.file())).append(")\n\n");
    }
    if (studentExport != null) {
      sb.append(plots.isEmpty() ? "\n" : "").append("## Exported student\n\n");
      sb.append("Hugging Face folder: `").append(relative(reportDir, studentExport)).append("` (config.json, model.safetensors and the tokenizer; loads with `AutoModel.from_pretrained`).\n");
    }
    return sb.toString();
  }

  private String summaryLine() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "The %s has %s of the %s's parameters (%s vs %s)", student.name(), percent((double) student.parameters() / teacher.parameters()), teacher.name(),
        count(student.parameters()), count(teacher.parameters())));
    if (teacher.speed() != null && student.speed() != null) {
      s.append(String.format(Locale.ROOT, " and runs %s as fast here", times(student.speed().tokensPerSecond() / teacher.speed().tokensPerSecond())));
    }
    s.append('.');
    return s.toString();
  }

  private List<List<String>> modelRows() {
    List<List<String>> rows = new java.util.ArrayList<>();
    rows.add(List.of("shape", nullToDash(teacher.shape()), nullToDash(student.shape()), ""));
    rows.add(List.of("parameters", count(teacher.parameters()), count(student.parameters()),
        times((double) student.parameters() / teacher.parameters()) + " (" + times((double) teacher.parameters() / student.parameters()) + " smaller)"));
    rows.add(List.of("size on disk", DiskSize.human(teacher.diskBytes()) + " (" + count(teacher.diskBytes()) + " bytes)", DiskSize.human(student.diskBytes()) + " (" + count(student.diskBytes()) + " bytes)",
        times((double) student.diskBytes() / teacher.diskBytes())));
    if (teacher.speed() != null || student.speed() != null) {
      String ratio = teacher.speed() != null && student.speed() != null ? times(student.speed().tokensPerSecond() / teacher.speed().tokensPerSecond()) + " faster" : "";
      rows.add(List.of("inference speed", speed(teacher.speed()), speed(student.speed()), ratio));
    }
    return rows;
  }

  private static String speed(SpeedProbe.Speed s) {
    if (s == null) return "not measured";
    return String.format(Locale.ROOT, "%,.0f tokens/s (%.3f ms per %dx%d batch)", s.tokensPerSecond(), s.millisPerBatch(), s.batchSize(), s.sequenceLength());
  }

  private Set<String> metricNames() {
    Set<String> names = new LinkedHashSet<>(teacher.metrics().keySet());
    names.addAll(student.metrics().keySet());
    return names;
  }

  private List<List<String>> metricRows() {
    List<List<String>> rows = new java.util.ArrayList<>();
    for (String m : metricNames()) {
      Double t = teacher.metrics().get(m);
      Double s = student.metrics().get(m);
      String diff = t != null && s != null ? signed(s - t) : "";
      String ratio = t != null && s != null && t != 0 ? percent(s / t) : "";
      rows.add(List.of(m, t == null ? "-" : number(t), s == null ? "-" : number(s), diff, ratio));
    }
    return rows;
  }

  private List<List<String>> trainingRows(Path reportDir) {
    List<List<String>> rows = new java.util.ArrayList<>();
    rows.add(List.of("steps", count(training.steps()) + (training.stopped() ? " (stopped early on request)" : "")));
    rows.add(List.of("final loss", number(training.finalLoss())));
    if (training.finalTerms() != null) for (var e : training.finalTerms().entrySet()) rows.add(List.of("final " + e.getKey(), number(e.getValue())));
    if (training.bestMetric() != null) {
      rows.add(List.of("best " + training.bestMetric(), number(training.bestValue()) + " at step " + training.bestStep()));
      if (training.bestCheckpoint() != null) rows.add(List.of("best checkpoint", "`" + relative(reportDir, training.bestCheckpoint()) + "`"));
    }
    return rows;
  }

  private static void table(StringBuilder sb, List<String> header, List<List<String>> rows) {
    sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) sb.append(i == 0 ? "---|" : "---:|");
    sb.append('\n');
    for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
  }

  // ---- html ---------------------------------------------------------------------------------------

  /** A single self-contained HTML page; the plots are embedded as data URIs. */
  public String html() throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n");
    sb.append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 10px}td:not(:first-child){text-align:right}th{background:#f3f3f3}img{max-width:100%}code{background:#f3f3f3}</style>\n");
    sb.append("</head><body>\n<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(summaryLine())).append("</p>\n");
    sb.append("<h2>Models</h2>\n");
    htmlTable(sb, List.of("", teacher.name(), student.name(), "student vs teacher"), modelRows());
    if (!metricNames().isEmpty()) {
      sb.append("<h2>Metrics</h2>\n");
      htmlTable(sb, List.of("metric", teacher.name(), student.name(), "difference", "student / teacher"), metricRows());
    }
    if (training != null) {
      sb.append("<h2>Training</h2>\n");
      htmlTable(sb, List.of("", "value"), trainingRows(null).stream().map(r -> List.of(r.get(0), r.get(1).replace("`", ""))).toList());
    }
    if (!settings.isEmpty()) {
      sb.append("<h2>Settings</h2>\n");
      htmlTable(sb, List.of("setting", "value"), settings.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
    }
    if (!plots.isEmpty()) {
      sb.append("<h2>Plots</h2>\n");
      for (Plots.Plot p : plots) {
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(p.file()));
        sb.append("<figure><img alt=\"").append(esc(p.title())).append("\" src=\"data:image/png;base64,").append(data).append("\"><figcaption>").append(esc(p.title())).append("</figcaption></figure>\n");
      }
    }
    if (studentExport != null) {
      sb.append("<h2>Exported student</h2>\n<p>Hugging Face folder: <code>").append(esc(studentExport.toString())).append("</code></p>\n");
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void htmlTable(StringBuilder sb, List<String> header, List<List<String>> rows) {
    sb.append("<table><tr>");
    for (String h : header) sb.append("<th>").append(esc(h)).append("</th>");
    sb.append("</tr>\n");
    for (List<String> r : rows) {
      sb.append("<tr>");
      for (String c : r) sb.append("<td>").append(esc(c)).append("</td>");
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  // ---- formatting ---------------------------------------------------------------------------------

  /** 1,234,567 */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** 4 decimals below 1000, grouped thousands above; "n/a" for NaN. */
  static String number(double v) {
    if (Double.isNaN(v)) return "n/a";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  static String signed(double v) {
    return (v >= 0 ? "+" : "") + number(v);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }

  static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  private static String nullToDash(String s) {
    return s == null ? "-" : s;
  }

  private static String relative(Path from, Path to) {
    if (from == null) return to.toString();
    try {
      return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      return to.toString();
    }
  }
}
