package jdistill.distill.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdistill.distill.mapping.LayerMapSpec;
import jdistill.distill.schedule.LinearSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigTest {

  static final String MINIMAL = """
      teacher: {path: models/bert-base-sst2}
      student: {from_teacher: {every_other: true}}
      task: {type: sequence_classification}
      data: {train: data/sst2/train.jsonl}
      methods:
        - {name: kd}
      """;

  static ExperimentConfig parse(String yaml, String... overrides) {
    return ExperimentConfig.parse(yaml, "exp.yaml", List.of(overrides), FakeMethods.lookup());
  }

  @Test
  void minimalConfigTakesTheDocumentedDefaults() {
    ExperimentConfig c = parse(MINIMAL);
    assertEquals("models/bert-base-sst2", c.teacher().path());
    assertNull(c.teacher().taskTeacher());
    assertEquals(List.of(0, 2, 4, 6, 8, 10), c.student().fromTeacher().teacherLayers(12));
    assertEquals(TaskConfig.Type.SEQUENCE_CLASSIFICATION, c.task().type());
    assertNull(c.task().pooling());

    DataConfig d = c.data();
    assertEquals(DataConfig.Format.JSONL, d.format());
    assertNull(d.eval());
    assertEquals(new ColumnsConfig("text", null, "label", "score"), d.columns());
    assertEquals(128, d.maxLength());
    assertEquals(32, d.batchSize());
    assertEquals(32, d.evalBatchSize());
    assertFalse(d.bucketing());
    assertTrue(d.shuffle());
    assertEquals(0.15, d.mlmProbability());

    MethodSpec m = c.methods().get(0);
    assertEquals("kd", m.name());
    assertTrue(m.weight().isConstant());
    assertEquals(1.0, m.weight().at(0, 0));
    assertEquals(java.util.Map.of(), m.options());

    OptimizerConfig o = c.optimizer();
    assertEquals("adamw", o.name());
    assertEquals(5e-5, o.lr());
    assertEquals(0.01, o.weightDecay());
    assertEquals(List.of(0.9, 0.999), o.betas());
    assertEquals(1e-8, o.eps());
    assertEquals(0, o.warmup(1000));
    assertEquals(OptimizerConfig.Schedule.LINEAR, o.schedule());
    assertEquals(1.0, o.maxGradNorm());
    assertEquals(1, o.gradAccumulation());

    TrainingConfig t = c.training();
    assertEquals(3, t.epochs());
    assertNull(t.steps());
    assertEquals(0L, t.evalEvery());
    assertEquals(50L, t.logEvery());
    assertEquals(42L, t.seed());
    assertEquals(TrainingConfig.Device.CPU, t.device());
    assertEquals(TrainingConfig.DType.F32, t.dtype());
    assertEquals(0L, t.checkpointEvery());
    assertEquals("runs/experiment", t.output());

    assertEquals(List.of("accuracy", "macro_f1"), c.evaluation().metricsFor(c.task().type()));
    assertTrue(c.evaluation().teacher());

    assertEquals(1, c.stages().size());
    assertEquals("main", c.stages().get(0).name());
    List<ResolvedStage> resolved = c.resolve(FakeMethods.lookup());
    MethodUse kd = resolved.get(0).methods().get(0);
    assertEquals(4.0, kd.options().getDouble("temperature"));
    assertEquals(0.5, kd.options().getDouble("alpha"));
  }

  @Test
  void fullConfigBindsEveryField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exp.yaml");
    Files.writeString(file, """
        # comment lines are fine
        teacher:
          task_teacher: {base: models/bert-base-uncased, epochs: 2, lr: 3e-5}
        student:
          fresh: {layers: 4, hidden: 312, heads: 12}
        task:
          type: sentence_embedding
          pooling: cls
        data:
          train: data/sts/train.tsv
          eval: data/sts/dev.tsv
          columns: {text: sentence1, text_pair: sentence2, score: similarity}
          max_length: 64
          batch_size: 16
          bucketing: true
          max_examples: 1000
        methods:
          - name: kd
            weight: 0.5
            options: {temperature: 8, alpha: 0.9}
          - name: pkd
            weight: {kind: linear, from: 0.0, to: 1.0, fraction: 0.5}
            options:
              layer_map: {strategy: random, every: steps, steps: 100}
        optimizer:
          lr: 1e-4
          weight_decay: 0.0
          betas: [0.9, 0.98]
          eps: 1e-6
          warmup_ratio: 0.1
          schedule: cosine
          max_grad_norm: 0
          grad_accumulation: 4
        training:
          steps: 2000
          eval_every: 500
          seed: 7
          device: cuda
          dtype: bf16
          checkpoint_every: 1000
          output: runs/sts
        evaluation:
          metrics: [spearman, loss]
          teacher: false
        """);
    ExperimentConfig c = ExperimentConfig.load(file, List.of(), FakeMethods.lookup());
    assertEquals(new TaskTeacherConfig("models/bert-base-uncased", 2, 3e-5, null), c.teacher().taskTeacher());
    assertEquals(new FreshStudentConfig(4, 312, 12, 1248), c.student().fresh());
    assertEquals(TaskConfig.Pooling.CLS, c.task().pooling());
    assertEquals(DataConfig.Format.TSV, c.data().format());
    assertEquals(new ColumnsConfig("sentence1", "sentence2", "label", "similarity"), c.data().columns());
    assertEquals(64, c.data().maxLength());
    assertEquals(16, c.data().evalBatchSize());
    assertTrue(c.data().bucketing());
    assertEquals(1000, c.data().maxExamples());

    assertEquals(0.5, c.methods().get(0).weight().at(10, 100));
    assertEquals(8, c.methods().get(0).options().get("temperature"));
    LinearSchedule w = assertInstanceOf(LinearSchedule.class, c.methods().get(1).weight());
    assertEquals(0.5, w.at(25, 100), 1e-12);
    assertEquals(1.0, w.at(60, 100), 1e-12);

    assertEquals(1e-4, c.optimizer().lr());
    assertEquals(List.of(0.9, 0.98), c.optimizer().betas());
    assertEquals(1e-6, c.optimizer().eps());
    assertEquals(200, c.optimizer().warmup(2000));
    assertEquals(OptimizerConfig.Schedule.COSINE, c.optimizer().schedule());
    assertEquals(0.0, c.optimizer().maxGradNorm());
    assertEquals(4, c.optimizer().gradAccumulation());

    assertNull(c.training().epochs());
    assertEquals(2000L, c.training().steps());
    assertEquals(7L, c.training().seed());
    assertEquals(TrainingConfig.Device.CUDA, c.training().device());
    assertEquals(TrainingConfig.DType.BF16, c.training().dtype());
    assertEquals(1000L, c.training().checkpointEvery());
    assertEquals("runs/sts", c.training().output());
    assertEquals(List.of("spearman", "loss"), c.evaluation().metricsFor(c.task().type()));
    assertFalse(c.evaluation().teacher());

    MethodUse pkd = c.resolve(FakeMethods.lookup()).get(0).methods().get(1);
    assertEquals(100.0, pkd.options().getDouble("beta"));
    LayerMapSpec map = LayerMapSpec.parse(pkd.options().asMap().get("layer_map"));
    assertEquals(LayerMapSpec.Strategy.RANDOM, map.strategy());
    assertEquals(100, map.steps());
  }

  @Test
  void jsonIsYamlToo() {
    ExperimentConfig c = parse("""
        {"teacher": {"path": "t"}, "student": {"path": "s"}, "task": {"type": "causal_lm"},
         "data": {"train": "corpus.txt"}, "methods": [{"name": "kd", "weight": 2}]}
        """);
    assertEquals("s", c.student().path());
    assertEquals(DataConfig.Format.TEXT, c.data().format());
    assertEquals(List.of("perplexity"), c.evaluation().metricsFor(c.task().type()));
    assertEquals(2.0, c.methods().get(0).weight().at(0, 0));
  }

  @Test
  void studentLayerRules() {
    assertEquals(List.of(0, 1, 2, 3), new FromTeacherConfig(null, 4, null, null).teacherLayers(12));
    assertEquals(List.of(1, 3, 5, 7, 9, 11), new FromTeacherConfig(null, null, null, 6).teacherLayers(12));
    assertEquals(List.of(0, 2, 4), new FromTeacherConfig(null, null, true, null).teacherLayers(6));
    assertEquals(List.of(0, 2, 4, 7, 9, 11), new FromTeacherConfig(List.of(0, 2, 4, 7, 9, 11), null, null, null).teacherLayers(12));
    var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigFieldException.class,
        () -> new FromTeacherConfig(List.of(0, 12), null, null, null).teacherLayers(12));
    assertEquals("layers.1: teacher layer 12 out of range for a 12-layer teacher (0..11)", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(ConfigFieldException.class, () -> new FromTeacherConfig(null, 13, null, null).teacherLayers(12));
    assertTrue(e.getMessage().startsWith("first: the teacher has only 12 layers"), e.getMessage());
  }

  @Test
  void effectiveYamlShowsTheOverrides(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exp.yaml");
    Files.writeString(file, MINIMAL);
    String yaml = ExperimentConfig.effectiveYaml(file, List.of("training.seed=3"));
    assertTrue(yaml.contains("training:\n  seed: 3"), yaml);
    ExperimentConfig again = ExperimentConfig.parse(yaml, "effective.yaml", List.of(), FakeMethods.lookup());
    assertEquals(3L, again.training().seed());
  }
}
