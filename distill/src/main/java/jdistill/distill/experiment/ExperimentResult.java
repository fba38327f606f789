package jdistill.distill.experiment;

import java.nio.file.Path;
import java.util.List;
import jdistill.distill.report.ModelFacts;

/**
 * What an {@link Experiment} left behind.
 *
 * @param output the run folder
 * @param stages each stage's outcome, in order (the stages that ran before a stop)
 * @param stopped true when a stop request (Ctrl-C) ended the run early; the report was then not written
 * @param teacher the teacher's facts (shape, parameters, size, measured speed, metrics), or null when stopped
 * @param student the student's facts, or null when stopped
 * @param report report.md, or null when stopped
 * @param html report.html, or null when stopped
 * @param studentDir the exported student (Hugging Face folder with the tokenizer), or null when stopped
 */
public record ExperimentResult(Path output, List<StageOutcome> stages, boolean stopped, ModelFacts teacher, ModelFacts student, Path report, Path html, Path studentDir) {

  /**
   * One stage's training.
   *
   * @param name the stage's name
   * @param dir the folder it trained in (metrics.jsonl, checkpoints/)
   * @param steps optimizer steps completed
   * @param plannedSteps the steps its config asks for
   * @param resumedFrom the checkpoint it resumed from, or null
   * @param stopped true when stopped early on request
   */
  public record StageOutcome(String name, Path dir, long steps, long plannedSteps, Path resumedFrom, boolean stopped) {}

  public ExperimentResult {
    stages = List.copyOf(stages);
  }

  /** Student parameters / teacher parameters. */
  public double parameterRatio() {
    return (double) student.parameters() / teacher.parameters();
  }

  /** Student tokens/s / teacher tokens/s as measured in the run, or NaN when not measured. */
  public double speedRatio() {
    if (teacher.speed() == null || student.speed() == null) return Double.NaN;
    return student.speed().tokensPerSecond() / teacher.speed().tokensPerSecond();
  }

  /** Student's value / teacher's value of {@code metric}, or NaN when either is missing. */
  public double metricRatio(String metric) {
    Double t = teacher.metrics().get(metric);
    Double s = student.metrics().get(metric);
    return t == null || s == null ? Double.NaN : s / t;
  }
}
