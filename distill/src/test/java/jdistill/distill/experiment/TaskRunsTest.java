package jdistill.distill.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.train.MetricsHistory;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.ModelFamily;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other tasks, the task teacher and recipes, each a few steps on tiny models. */
class TaskRunsTest {

  static ExperimentOptions quiet() {
    return ExperimentOptions.defaults(null);
  }

  @Test
  void causalLmLabelsAreTheNextTokens() {
    long[] ids = {5, 6, 7, 0, 8, 9, 10, 11};
    long[] labels = {5, 6, 7, -100, 8, 9, 10, 11};
    Batch b = new Batch(Tensor.ofLongs(ids, 2, 4), Tensor.ofLongs(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4), null, Tensor.ofLongs(labels, 2, 4));
    assertArrayEquals(new long[] {6, 7, -100, -100, 9, 10, 11, -100}, ShiftedLabels.shift(b).labels().toLongArray());
  }

  @Test
  void regressionOnScores(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.wordPiece();
    Fixtures.saveModel(new jdistill.models.bert.BertForSequenceClassification(Fixtures.bertConfig(tok.vocabSize(), 2, 32, 2), 1, new Rng(4)), tok, dir.resolve("regressor"));
    Fixtures.writeJsonl(dir.resolve("train.jsonl"), Fixtures.rows(1, 64));
    Fixtures.writeJsonl(dir.resolve("eval.jsonl"), Fixtures.rows(2, 32));
    Path cfg = Fixtures.writeConfig(dir.resolve("reg.yaml"), """
        teacher: {path: regressor}
        student: {from_teacher: {layers: [0]}}
        task: {type: regression}
        data: {train: train.jsonl, eval: eval.jsonl, max_length: 16, batch_size: 16}
        methods: [{name: kd}]
        training: {steps: 4, output: run}
        evaluation: {metrics: [pearson, spearman, loss]}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    // the student's MSE, recomputed from its exported weights
    var loaded = (jdistill.models.bert.BertForSequenceClassification) HfCheckpoint.load(r.studentDir()).model();
    loaded.eval();
    double sq = 0;
    List<Fixtures.Row> rows = Fixtures.rows(2, 32);
    try (var g = jdistill.engine.autograd.GradMode.noGrad(); var s = jdistill.engine.Scope.open()) {
      for (Fixtures.Row row : rows) {
        int[] ids = tok.encode(row.text()).ids();
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        double y = loaded.forward(Tensor.ofLongs(l, 1, l.length), null, null, new jdistill.models.transformer.TapRecorder()).logits().item();
        double target = (float) Math.round(row.score() * 1e4) / 1e4;
        sq += (y - target) * (y - target);
      }
    }
    assertEquals(sq / rows.size(), r.student().metrics().get("loss"), 1e-4 * (1 + sq / rows.size()));
    double p = r.student().metrics().get("pearson");
    assertTrue(p >= -1 && p <= 1);
  }

  @Test
  void causalLmOnAGpt2Teacher(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.byteLevel();
    Path teacher = Fixtures.saveModel(new Gpt2(Fixtures.gpt2Config(tok.vocabSize(), 2, 32, 2), new Rng(4)), tok, dir.resolve("gpt2"));
    Fixtures.writeText(dir.resolve("train.txt"), 1, 120);
    Fixtures.writeText(dir.resolve("eval.txt"), 2, 30);
    Path cfg = Fixtures.writeConfig(dir.resolve("lm.yaml"), """
        teacher: {path: gpt2}
        student: {from_teacher: {layers: [1]}}
        task: {type: causal_lm}
        data: {train: train.txt, eval: eval.txt, max_length: 24, batch_size: 8}
        methods: [{name: kd, options: {alpha: 0.5}}]
        optimizer: {lr: 0.003}
        training: {steps: 8, log_every: 4, output: run}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    double ppl = r.student().metrics().get("perplexity");
    assertTrue(ppl > 1 && ppl < tok.vocabSize() * 3, "perplexity " + ppl);
    assertEquals(1.0, r.teacher().metrics().get("agreement"), 0.0);
    assertEquals(ModelFamily.GPT2_LM, HfCheckpoint.load(r.studentDir()).spec().family());
    // a freshly initialised model is near uniform over the vocabulary: the teacher's perplexity is close to it
    double tppl = r.teacher().metrics().get("perplexity");
    assertTrue(tppl > tok.vocabSize() / 3.0 && tppl < tok.vocabSize() * 3.0, "teacher perplexity " + tppl);
  }

  @Test
  void maskedLmOnABertTeacher(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.wordPiece();
    Fixtures.saveModel(new BertForMaskedLm(Fixtures.bertConfig(tok.vocabSize(), 2, 32, 2), new Rng(4)), tok, dir.resolve("mlm"));
    Fixtures.writeText(dir.resolve("train.txt"), 1, 120);
    Fixtures.writeText(dir.resolve("eval.txt"), 2, 30);
    Path cfg = Fixtures.writeConfig(dir.resolve("mlm.yaml"), """
        teacher: {path: mlm}
        student: {fresh: {layers: 1, hidden: 16, heads: 2}}
        task: {type: masked_lm}
        data: {train: train.txt, eval: eval.txt, max_length: 16, batch_size: 8, mlm_probability: 0.3}
        methods: [{name: distilbert}]
        training: {steps: 6, output: run}
        evaluation: {metrics: [perplexity, loss, agreement]}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    Map<String, Double> m = r.student().metrics();
    assertEquals(Math.exp(m.get("loss")), m.get("perplexity"), 1e-9 * m.get("perplexity"));
    assertTrue(m.get("agreement") >= 0 && m.get("agreement") <= 1);
    assertEquals(ModelFamily.BERT_MASKED_LM, HfCheckpoint.load(r.studentDir()).spec().family());
  }

  @Test
  void sentenceEmbeddingsWithPairs(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.wordPiece();
    Fixtures.saveModel(new Bert(Fixtures.bertConfig(tok.vocabSize(), 2, 32, 2), true, new Rng(4)), tok, dir.resolve("encoder"));
    Fixtures.writePairs(dir.resolve("train.jsonl"), 1, 60);
    Fixtures.writePairs(dir.resolve("eval.jsonl"), 3, 30);
    Path cfg = Fixtures.writeConfig(dir.resolve("emb.yaml"), """
        teacher: {path: encoder}
        student: {from_teacher: {layers: [1]}}
        task: {type: sentence_embedding, pooling: mean}
        data: {train: train.jsonl, eval: eval.jsonl, max_length: 16, batch_size: 8, columns: {text_pair: text_pair}}
        methods: [{name: kd, options: {loss: logit_mse, alpha: 1.0}}]
        training: {steps: 6, output: run}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    assertEquals(List.of("pearson", "spearman", "embedding_cosine"), List.copyOf(r.student().metrics().keySet()));
    assertEquals(1.0, r.teacher().metrics().get("embedding_cosine"), 1e-6);
    double cos = r.student().metrics().get("embedding_cosine");
    assertTrue(cos > -1 && cos < 1.0 + 1e-9, "cosine " + cos);
    assertEquals(ModelFamily.BERT, HfCheckpoint.load(r.studentDir()).spec().family());
  }

  @Test
  void taskTeacherIsFineTunedSavedAndReused(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.wordPiece();
    Fixtures.saveModel(new BertForMaskedLm(Fixtures.bertConfig(tok.vocabSize(), 2, 32, 2), new Rng(4)), tok, dir.resolve("base"));
    Fixtures.writeJsonl(dir.resolve("train.jsonl"), Fixtures.rows(1, 96));
    Fixtures.writeJsonl(dir.resolve("eval.jsonl"), Fixtures.rows(2, 48));
    Path cfg = Fixtures.writeConfig(dir.resolve("tt.yaml"), """
        teacher: {task_teacher: {base: base, epochs: 8, lr: 0.003, output: teachers/fine-tuned}}
        student: {from_teacher: {layers: [1]}}
        task: {type: sequence_classification}
        data: {train: train.jsonl, eval: eval.jsonl, max_length: 16, batch_size: 16}
        methods: [{name: kd}]
        optimizer: {lr: 0.003, schedule: constant}
        training: {steps: 4, output: run, log_every: 2}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    Path teacherDir = dir.resolve("teachers/fine-tuned");
    HfCheckpoint.Loaded t = HfCheckpoint.load(teacherDir);
    assertEquals(ModelFamily.BERT_SEQUENCE_CLASSIFICATION, t.spec().family());
    assertEquals(2, t.spec().numLabels());
    assertTrue(Files.isRegularFile(teacherDir.resolve("tokenizer.json")));
    // 8 epochs of 6 batches on a task one adjective decides: the teacher has learnt it
    assertTrue(r.teacher().metrics().get("accuracy") > 0.9, "teacher accuracy " + r.teacher().metrics());
    MetricsHistory th = MetricsHistory.read(dir.resolve("run/teacher-training/metrics.jsonl"));
    assertEquals(8, th.eval().size());
    // a second run reuses the fine-tuned teacher: no fine-tuning, the file is not rewritten
    long written = Files.getLastModifiedTime(teacherDir.resolve("model.safetensors")).toMillis();
    ExperimentResult again = Experiment.load(cfg, List.of(), quiet().withOutput(dir.resolve("run2"))).run();
    assertFalse(Files.exists(dir.resolve("run2/teacher-training")));
    assertEquals(written, Files.getLastModifiedTime(teacherDir.resolve("model.safetensors")).toMillis());
    assertEquals(r.teacher().metrics(), again.teacher().metrics());
  }

  @Test
  void recipeStagesRunInOrderAndJoinTheirMetrics(@TempDir Path dir) throws Exception {
    Tokenizer tok = Fixtures.wordPiece();
    Fixtures.saveModel(new jdistill.models.bert.BertForSequenceClassification(Fixtures.bertConfig(tok.vocabSize(), 2, 32, 2), 2, new Rng(4)), tok, dir.resolve("teacher"));
    Fixtures.writeJsonl(dir.resolve("train.jsonl"), Fixtures.rows(1, 64));
    Fixtures.writeJsonl(dir.resolve("eval.jsonl"), Fixtures.rows(2, 24));
    Path cfg = Fixtures.writeConfig(dir.resolve("recipe.yaml"), """
        teacher: {path: teacher}
        student: {fresh: {layers: 1, hidden: 16, heads: 2}}
        task: {type: sequence_classification}
        data: {train: train.jsonl, eval: eval.jsonl, max_length: 16, batch_size: 16}
        methods: [{name: kd}]
        training: {output: run, log_every: 2}
        recipe:
          - {name: intermediate, methods: [{name: tinybert, options: {stage: intermediate}}], training: {steps: 4}}
          - {name: prediction, methods: [{name: tinybert, options: {stage: prediction}}], training: {steps: 6}}
        """);
    ExperimentResult r = Experiment.load(cfg, List.of(), quiet()).run();
    assertEquals(List.of("intermediate", "prediction"), r.stages().stream().map(ExperimentResult.StageOutcome::name).toList());
    assertTrue(Files.isRegularFile(dir.resolve("run/stages/intermediate/metrics.jsonl")));
    MetricsHistory h = MetricsHistory.read(dir.resolve("run/metrics.jsonl"));
    assertEquals(List.of(2L, 4L, 6L, 8L, 10L), h.train().stream().map(MetricsHistory.TrainPoint::step).toList());
    assertTrue(h.termNames().stream().anyMatch(n -> n.startsWith("tinybert.")), h.termNames().toString());
    assertTrue(Files.readString(r.report()).contains("stage prediction: methods"));
  }
}
