package jdistill.distill.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.ExperimentConfig;
import jdistill.distill.config.ResolvedStage;
import jdistill.distill.config.Stage;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.config.TeacherConfig;
import jdistill.distill.data.LabelVocabulary;
import jdistill.distill.data.TextEncoder;
import jdistill.distill.data.TokenizerTextEncoder;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.transformer.TransformerConfig;

/**
 * Prepares a run's stages before any weights are loaded: each stage's teacher (its shape read from
 * config.json, one slot per distinct teacher), its tokenizer checked against the teacher's
 * vocabulary and positions, its data read and tokenised (the first stage's labels shared by all),
 * its metrics; and the label count of the task's head, checked against teachers and data.
 */
final class StagePlanner {

  private final ExperimentConfig config;
  private final String source;
  private final PrintStream console;

  StagePlanner(ExperimentConfig config, String source, PrintStream console) {
    this.config = config;
    this.source = source;
    this.console = console;
  }

  List<StagePlan> plan(List<ResolvedStage> stages, RunLayout layout) {
    Map<TeacherConfig, TeacherSlot> teachers = new LinkedHashMap<>();
    List<StagePlan> plans = new ArrayList<>();
    LabelVocabulary labels = null;
    for (int i = 0; i < stages.size(); i++) {
      ResolvedStage rs = stages.get(i);
      Stage st = rs.stage();
      String at = Experiment.prefix(stages.size(), i);
      TaskConfig task = st.task();
      TeacherSlot slot = teachers.get(st.teacher());
      if (slot == null) {
        slot = TeacherSlot.prepare(st.teacher(), task.type(), layout, config.training().seed(), source, at + "teacher");
        teachers.put(st.teacher(), slot);
      }
      String tokField = st.data().tokenizer() != null ? at + "data.tokenizer" : at + "teacher";
      Path tokPath = st.data().tokenizer() != null ? layout.resolve(st.data().tokenizer()) : slot.sourceFolder;
      Tokenizer tokenizer;
      try {
        tokenizer = Tokenizer.load(tokPath);
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(source, tokField, "cannot load a tokenizer from " + tokPath + ": " + e.getMessage()
            + (st.data().tokenizer() == null ? " (set data.tokenizer to the tokenizer's file or folder)" : ""));
      }
      TextEncoder encoder = new TokenizerTextEncoder(tokenizer);
      TransformerConfig tc = slot.spec.config();
      if (encoder.vocabSize() != tc.vocabSize()) {
        throw new ConfigException(source, tokField, "the tokenizer " + tokPath + " has " + encoder.vocabSize() + " tokens, but the teacher's vocab_size is " + tc.vocabSize()
            + "; use the tokenizer the teacher was trained with");
      }
      if (st.data().maxLength() > tc.maxPositions()) {
        throw new ConfigException(source, at + "data.max_length", st.data().maxLength() + " tokens exceed the teacher's " + tc.maxPositions() + " positions");
      }
      StageData data = StageData.load(task, st.data(), layout, encoder, tc.typeVocabSize() > 0, labels, source, at);
      if (labels == null) labels = data.labels;
      List<String> metrics = st.evaluation().metrics().isEmpty() ? TaskEvaluator.defaults(task.type(), st.evaluation().teacher(), data.evalPairs != null) : st.evaluation().metrics();
      if (!data.hasEval() && !st.evaluation().metrics().isEmpty()) {
        throw new ConfigException(source, at + "evaluation.metrics", "metrics need evaluation data; set data.eval");
      }
      String bestBy = st.evaluation().bestBy();
      if (bestBy != null && !metrics.contains(bestBy)) {
        throw new ConfigException(source, at + "evaluation.best_by", "'" + bestBy + "' is not among the evaluated metrics " + metrics + "; list it under evaluation.metrics");
      }
      if (st.evaluation().exportBest() && !data.hasEval()) {
        throw new ConfigException(source, at + "evaluation.export", "export: best needs evaluation data to pick the best checkpoint; set data.eval");
      }
      plans.add(new StagePlan(i, rs, at, slot, tokPath, encoder, data, metrics));
      say(String.format(Locale.ROOT, "stage %s data: %d training and %d evaluation examples from %s%s", rs.name(), data.train.size(), data.hasEval() ? data.eval.size() : 0,
          layout.resolve(st.data().train()), labels != null ? ", labels " + labels.names() : ""));
    }
    return plans;
  }

  /** The classes of the task's head, checked against the teachers and the training labels. */
  int numLabels(List<StagePlan> plans, LabelVocabulary labels) {
    TaskConfig task = plans.get(0).stage().task();
    int wanted = switch (task.type()) {
      case SEQUENCE_CLASSIFICATION -> task.numLabels() != null ? task.numLabels() : -1;
      case REGRESSION -> 1;
      default -> 0;
    };
    if (task.type() == TaskConfig.Type.SEQUENCE_CLASSIFICATION && wanted > 0 && wanted < labels.size()) {
      throw new ConfigException(source, "task.num_labels", wanted + " classes, but the training data has labels " + labels.names());
    }
    for (StagePlan p : plans) {
      TeacherSlot t = p.teacher();
      if (t.needsTraining || wanted == 0) continue;
      int have = t.readyLabels();
      String field = p.at() + "teacher";
      if (task.type() == TaskConfig.Type.REGRESSION && have != 1) {
        throw new ConfigException(source, field, "regression needs a teacher with one output, but " + t.folder + " has " + have);
      }
      if (task.type() == TaskConfig.Type.SEQUENCE_CLASSIFICATION) {
        if (wanted > 0 && have != wanted) throw new ConfigException(source, "task.num_labels", wanted + " classes, but the teacher " + t.folder + " has " + have);
        boolean fits = integerLabels(labels) ? labels.size() <= have : labels.size() == have;
        if (!fits) {
          throw new ConfigException(source, p.at() + "data.train", "the training labels " + labels.names() + " do not fit the teacher's " + have + " classes (" + t.folder + ")");
        }
        wanted = have;
      }
    }
    if (wanted < 0) wanted = labels.size();
    return wanted;
  }

  /** True when the labels are the integers 0..n-1 (ids as written), not names. */
  static boolean integerLabels(LabelVocabulary labels) {
    for (int i = 0; i < labels.size(); i++) if (!labels.name(i).equals(Integer.toString(i))) return false;
    return true;
  }

  private void say(String line) {
    if (console != null) console.println(line);
  }
}
