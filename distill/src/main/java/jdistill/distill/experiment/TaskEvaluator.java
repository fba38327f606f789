package jdistill.distill.experiment;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.data.MlmMasking;
import jdistill.distill.metrics.EmbeddingSimilarity;
import jdistill.distill.metrics.EvalOutputs;
import jdistill.distill.metrics.LanguageModeling;
import jdistill.distill.metrics.Metric;
import jdistill.distill.metrics.MetricSet;
import jdistill.engine.Device;
import jdistill.engine.F;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.ops.Reduction;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * The held-out metrics of a model on a stage's evaluation data, by the names a config uses:
 * accuracy, f1, macro_f1, mcc (classification), pearson, spearman (regression; for sentence
 * embeddings the cosine of each pair's embeddings against its score), perplexity (language
 * modelling), loss (the task's hard loss: cross-entropy or MSE), agreement (share of predictions
 * equal to the teacher's: classes, or tokens at the labelled positions), embedding_cosine (mean
 * cosine of the model's sentence embeddings with the teacher's) and similarity_spearman (Spearman
 * correlation of the model's pairwise sentence cosines with the teacher's). The teacher's predictions are
 * computed once and kept. Evaluating draws nothing from any generator.
 */
final class TaskEvaluator implements jdistill.distill.train.Evaluator {

  private final TaskConfig task;
  private final List<String> metrics;
  private final StageData data;
  private final DistillModel teacher;
  private List<long[]> teacherPredictions;
  private List<float[]> teacherEmbeddings;

  /**
   * @param teacher the teacher, for agreement and embedding_cosine; null when neither is asked for
   */
  TaskEvaluator(TaskConfig task, List<String> metrics, StageData data, DistillModel teacher) {
    if (!data.hasEval()) throw new IllegalArgumentException("no evaluation data");
    this.task = task;
    this.metrics = List.copyOf(metrics);
    this.data = data;
    this.teacher = teacher;
  }

  List<String> metrics() {
    return metrics;
  }

  /** The metrics that compare with the teacher, so need it at evaluation. */
  static final List<String> TEACHER_METRICS = List.of("agreement", "embedding_cosine", "similarity_spearman");

  /** Whether any of {@code metrics} compares with the teacher. */
  static boolean needsTeacher(List<String> metrics) {
    for (String m : TEACHER_METRICS) if (metrics.contains(m)) return true;
    return false;
  }

  /** The metrics computed when the config lists none. */
  static List<String> defaults(TaskConfig.Type task, boolean withTeacher, boolean pairs) {
    List<String> m = new ArrayList<>();
    switch (task) {
      case SEQUENCE_CLASSIFICATION -> m.addAll(List.of("accuracy", "macro_f1"));
      case REGRESSION -> m.addAll(List.of("pearson", "spearman"));
      case MASKED_LM, CAUSAL_LM -> m.add("perplexity");
      case SENTENCE_EMBEDDING -> {
        if (pairs) m.addAll(List.of("pearson", "spearman"));
      }
    }
    if (withTeacher && task != TaskConfig.Type.REGRESSION) m.add(task == TaskConfig.Type.SENTENCE_EMBEDDING ? "embedding_cosine" : "agreement");
    return m;
  }

  /**
   * Fails at {@code evaluation.metrics.i} for a metric the task cannot give.
   *
   * @param pairs sentence embeddings: whether the evaluation data has text pairs with scores
   * @param sameWidth whether teacher and student embeddings have one width (for embedding_cosine;
   *     similarity_spearman compares cosines, but is checked alike to keep one rule)
   */
  static void check(TaskConfig.Type task, List<String> metrics, boolean pairs, boolean sameWidth, String source, String at) {
    for (int i = 0; i < metrics.size(); i++) {
      String m = metrics.get(i);
      String why = switch (m) {
        case "accuracy", "f1", "macro_f1", "mcc" -> task == TaskConfig.Type.SEQUENCE_CLASSIFICATION ? null : "needs class predictions";
        case "pearson", "spearman" -> task == TaskConfig.Type.REGRESSION || task == TaskConfig.Type.SENTENCE_EMBEDDING && pairs ? null
            : task == TaskConfig.Type.SENTENCE_EMBEDDING ? "needs evaluation pairs with scores (data.columns.text_pair and score)" : "needs regression predictions";
        case "perplexity" -> task == TaskConfig.Type.MASKED_LM || task == TaskConfig.Type.CAUSAL_LM ? null : "needs a language-modelling task";
        case "loss" -> task == TaskConfig.Type.SENTENCE_EMBEDDING ? "needs labels, and sentence embeddings have none" : null;
        case "agreement" -> task == TaskConfig.Type.REGRESSION || task == TaskConfig.Type.SENTENCE_EMBEDDING ? "needs class or token predictions" : null;
        case "embedding_cosine", "similarity_spearman" -> task != TaskConfig.Type.SENTENCE_EMBEDDING ? "needs sentence embeddings"
            : sameWidth ? null : "needs teacher and student embeddings of one width";
        default -> "is not a known metric";
      };
      if (why != null) throw new ConfigException(source, at + "evaluation.metrics." + i, "metric '" + m + "' " + why + "; task " + TaskModels.taskName(task) + " cannot give it");
    }
  }

  @Override
  public Map<String, Double> evaluate(DistillModel model, long step) {
    boolean wantsTeacher = needsTeacher(metrics);
    if (wantsTeacher && teacher == null) throw new IllegalStateException("metrics " + metrics + " need the teacher");
    if (wantsTeacher && teacherPredictions == null) referenceFromTeacher();
    EvalOutputs out = new EvalOutputs();
    double[] loss = new double[2];
    if (task.type() == TaskConfig.Type.SENTENCE_EMBEDDING) embeddings(model, out);
    else predictions(model, out, loss, wantsTeacher);
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, Metric> known = MetricSet.known();
    for (String m : metrics) {
      double v = switch (m) {
        case "loss" -> loss[1] == 0 ? Double.NaN : loss[0] / loss[1];
        case "macro_f1" -> known.get("f1_macro").compute(out);
        default -> known.get(m).compute(out);
      };
      values.put(m, v);
    }
    return values;
  }

  private void predictions(DistillModel model, EvalOutputs out, double[] loss, boolean agreement) {
    Device device = deviceOf(model);
    int k = 0;
    for (Batch b : data.onePass(data.eval)) {
      Batch d = onDevice(b, device);
      Tensor logits = model.forward(d, new TapRecorder()).logits();
      Tensor labels = d.labels();
      switch (task.type()) {
        case SEQUENCE_CLASSIFICATION -> {
          out.addClassification(logits, labels);
          loss[0] += F.crossEntropy(logits, labels, MlmMasking.IGNORE, 0.0, Reduction.SUM).item();
          loss[1] += labels.numel();
        }
        case REGRESSION -> {
          out.addRegression(logits, labels);
          Tensor diff = logits.reshape(labels.shape()).sub(labels.to(logits.dtype()));
          loss[0] += diff.mul(diff).sum().item();
          loss[1] += labels.numel();
        }
        default -> {
          long[] l = labels.toLongArray();
          long counted = 0;
          for (long v : l) if (v != MlmMasking.IGNORE) counted++;
          double nll = counted == 0 ? 0 : F.crossEntropy(logits, labels, MlmMasking.IGNORE, 0.0, Reduction.SUM).item();
          out.addLanguageModel(nll, counted);
          loss[0] += nll;
          loss[1] += counted;
        }
      }
      if (agreement) {
        long[] mine = logits.argmax(-1, false).toLongArray();
        long[] counted = task.type() == TaskConfig.Type.SEQUENCE_CLASSIFICATION ? null : countedPositions(labels);
        long[] mn = LanguageModeling.agreementCounts(mine, teacherPredictions.get(k), counted);
        out.addAgreement(mn[0], mn[1]);
      }
      k++;
    }
  }

  private static long[] countedPositions(Tensor labels) {
    long[] l = labels.toLongArray();
    long[] c = new long[l.length];
    for (int i = 0; i < l.length; i++) c[i] = l[i] == MlmMasking.IGNORE ? 0 : 1;
    return c;
  }

  private void embeddings(DistillModel model, EvalOutputs out) {
    Device device = deviceOf(model);
    boolean cosineToTeacher = metrics.contains("embedding_cosine") || metrics.contains("similarity_spearman");
    Iterator<Batch> pairs = data.evalPairs == null ? null : data.onePass(data.evalPairs).iterator();
    int k = 0;
    int row = 0;
    for (Batch b : data.onePass(data.eval)) {
      Tensor a = model.forward(onDevice(b, device), new TapRecorder()).logits();
      if (cosineToTeacher) addCosines(out, a, teacherEmbeddings.get(k++));
      if (pairs != null) {
        Tensor second = model.forward(onDevice(pairs.next(), device), new TapRecorder()).logits();
        if (cosineToTeacher) addCosines(out, second, teacherEmbeddings.get(k++));
        float[] x = a.toFloatArray();
        float[] y = second.toFloatArray();
        int n = a.shape(0);
        int h = a.shape(1);
        double[] predicted = new double[n];
        double[] targets = new double[n];
        for (int i = 0; i < n; i++) {
          predicted[i] = EmbeddingSimilarity.cosine(x, i * h, y, i * h, h);
          targets[i] = data.evalScores[row + i];
        }
        out.addRegression(predicted, targets);
        row += n;
      }
    }
  }

  private static void addCosines(EvalOutputs out, Tensor model, float[] teacher) {
    out.addEmbeddings(model, Tensor.of(teacher, model.shape()).to(model.device()));
  }

  /** The teacher's argmax per evaluation batch (or its embeddings), computed once. */
  private void referenceFromTeacher() {
    boolean training = teacher.module().isTraining();
    teacher.module().eval();
    Device device = deviceOf(teacher);
    List<long[]> predictions = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    try (var g = GradMode.noGrad(); var s = jdistill.engine.Scope.open()) {
      if (task.type() == TaskConfig.Type.SENTENCE_EMBEDDING) {
        Iterator<Batch> pairs = data.evalPairs == null ? null : data.onePass(data.evalPairs).iterator();
        for (Batch b : data.onePass(data.eval)) {
          embeddings.add(teacher.forward(onDevice(b, device), new TapRecorder()).logits().toFloatArray());
          if (pairs != null) embeddings.add(teacher.forward(onDevice(pairs.next(), device), new TapRecorder()).logits().toFloatArray());
        }
      } else {
        for (Batch b : data.onePass(data.eval)) {
          ModelOutput o = teacher.forward(onDevice(b, device), new TapRecorder());
          predictions.add(o.logits().argmax(-1, false).toLongArray());
        }
      }
    } finally {
      teacher.module().train(training);
    }
    teacherPredictions = predictions;
    teacherEmbeddings = embeddings;
  }

  static Device deviceOf(DistillModel m) {
    return m.module().parameters().get(0).device();
  }

  static Batch onDevice(Batch b, Device d) {
    if (b.inputIds().device().equals(d)) return b;
    return new Batch(b.inputIds().to(d), b.attentionMask() == null ? null : b.attentionMask().to(d), b.tokenTypeIds() == null ? null : b.tokenTypeIds().to(d),
        b.labels() == null ? null : b.labels().to(d));
  }
}
