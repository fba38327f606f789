package jdistill.distill.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeTest {

  private static final String TINYBERT = """
      teacher: {path: models/bert-base-sst2}
      student: {fresh: {layers: 4, hidden: 312, heads: 12}}
      task: {type: sequence_classification}
      data: {train: data/sst2/train.jsonl, batch_size: 32}
      optimizer: {lr: 5e-5, warmup_ratio: 0.1}
      training: {seed: 7, output: runs/tinybert}
      recipe:
        - name: intermediate
          methods: [{name: tinybert_intermediate}]
          training: {epochs: 10}
          optimizer: {lr: 1e-4}
        - name: prediction
          methods: [{name: tinybert_prediction, options: {temperature: 1}}]
          data: {batch_size: 64}
      """;

  @Test
  void stagesMergeOverTheTopLevel() {
    ExperimentConfig c = ExperimentConfigTest.parse(TINYBERT);
    List<Stage> stages = c.stages();
    assertEquals(List.of("intermediate", "prediction"), stages.stream().map(Stage::name).toList());
    Stage first = stages.get(0);
    assertEquals(10, first.training().epochs());
    assertEquals(7L, first.training().seed(), "fields the stage does not write come from the top level");
    assertEquals("runs/tinybert", first.training().output());
    assertEquals(1e-4, first.optimizer().lr());
    assertEquals(0.1, first.optimizer().warmupRatio());
    assertEquals(32, first.data().batchSize());
    Stage second = stages.get(1);
    assertEquals(3, second.training().epochs());
    assertEquals(5e-5, second.optimizer().lr());
    assertEquals(64, second.data().batchSize());
    assertEquals("data/sst2/train.jsonl", second.data().train());
    List<ResolvedStage> resolved = c.resolve(FakeMethods.lookup());
    assertEquals("tinybert_intermediate", resolved.get(0).methods().get(0).name());
    assertEquals(1.0, resolved.get(1).methods().get(0).options().getDouble("temperature"));
  }

  @Test
  void stagesInheritTopLevelMethodsAndGetDefaultNames() {
    ExperimentConfig c = ExperimentConfigTest.parse(ExperimentConfigTest.MINIMAL + "recipe:\n  - {training: {epochs: 1}}\n  - {methods: [{name: pkd}]}\n");
    assertEquals(List.of("stage1", "stage2"), c.stages().stream().map(Stage::name).toList());
    assertEquals("kd", c.stages().get(0).methods().get(0).name());
    assertEquals("pkd", c.stages().get(1).methods().get(0).name());
  }

  @Test
  void stageErrorsNameTheStage() {
    String bad = TINYBERT.replace("options: {temperature: 1}", "options: {temp: 1}");
    assertEquals("exp.yaml: recipe.1.methods.0.options.temp: method 'tinybert_prediction' has no option 'temp'; valid options: temperature",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(bad)).getMessage());
    String student = TINYBERT.replace("training: {epochs: 10}", "student: {path: x}");
    assertEquals("exp.yaml: recipe.0.student: unknown field 'student'; valid fields: name, teacher, task, data, methods, optimizer, training, evaluation",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(student)).getMessage());
    String epochs = TINYBERT.replace("training: {epochs: 10}", "training: {epochs: ten}");
    assertEquals("exp.yaml: recipe.0.training.epochs: expected an integer, got 'ten'",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(epochs)).getMessage());
    String twice = TINYBERT.replace("name: prediction", "name: intermediate");
    assertEquals("exp.yaml: recipe.1.name: stage name 'intermediate' is used twice",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(twice)).getMessage());
    String noMethods = TINYBERT.replace("methods: [{name: tinybert_intermediate}]", "methods: []");
    assertEquals("exp.yaml: recipe.0.methods: expected at least one method, e.g. [{name: kd, weight: 1.0}] (see 'jdistill methods')",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(noMethods)).getMessage());
    assertEquals("exp.yaml: recipe: expected a list of stages, got a map",
        assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(ExperimentConfigTest.MINIMAL + "recipe: {a: 1}\n")).getMessage());
  }
}
