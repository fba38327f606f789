package jdistill.distill.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

  private static final String MINIMAL = ExperimentConfigTest.MINIMAL;

  private static ExperimentConfig parse(String... overrides) {
    return ExperimentConfigTest.parse(MINIMAL, overrides);
  }

  private static String error(String... overrides) {
    return assertThrows(ConfigException.class, () -> parse(overrides)).getMessage();
  }

  @Test
  void setsExistingAndAbsentFieldsWithYamlValues() {
    ExperimentConfig c = parse(
        "training.seed=3",
        "methods.0.weight=0.5",
        "optimizer.lr=1e-4",
        "methods.0.options.temperature=8",
        "data.eval=data/sst2/dev.jsonl",
        "student.from_teacher={layers: [0, 2, 4, 7, 9, 11]}",
        "training.dtype=bf16");
    assertEquals(3L, c.training().seed());
    assertEquals(0.5, c.methods().get(0).weight().at(0, 0));
    assertEquals(1e-4, c.optimizer().lr());
    assertEquals(Map.of("temperature", 8), c.methods().get(0).options());
    assertEquals("data/sst2/dev.jsonl", c.data().eval());
    assertEquals(List.of(0, 2, 4, 7, 9, 11), c.student().fromTeacher().layers());
    assertEquals(TrainingConfig.DType.BF16, c.training().dtype());
  }

  @Test
  void listsTakeIndicesAndAppendOnePastTheEnd() {
    ExperimentConfig c = parse("methods.1.name=pkd", "methods.1.weight={kind: linear, from: 0, to: 2}", "student.from_teacher.every_other=", "student.from_teacher.first=4");
    assertEquals(List.of("kd", "pkd"), c.methods().stream().map(MethodSpec::name).toList());
    assertEquals(1.0, c.methods().get(1).weight().at(50, 100), 1e-12);
    assertEquals(List.of(0, 1, 2, 3), c.student().fromTeacher().teacherLayers(12));
    assertNull(c.student().fromTeacher().everyOther());
    ExperimentConfig replaced = parse("methods=[{name: pkd, options: {beta: 10}}]");
    assertEquals(10, replaced.methods().get(0).options().get("beta"));
  }

  @Test
  void pathsThatDoNotExistAreNamed() {
    assertEquals("exp.yaml: --set training.sed=3: training has no field 'sed'; valid fields: epochs, steps, eval_every, log_every, seed, device, dtype, checkpoint_every, output",
        error("training.sed=3"));
    assertEquals("exp.yaml: --set trainig.seed=3: the config has no field 'trainig'; valid fields: teacher, student, task, data, methods, optimizer, training, evaluation, recipe",
        error("trainig.seed=3"));
    assertEquals("exp.yaml: --set methods.5.weight=1: methods has 1 entries (0..0); use index 1 to add one", error("methods.5.weight=1"));
    assertEquals("exp.yaml: --set methods.first.weight=1: methods is a list: expected an entry index, got 'first'", error("methods.first.weight=1"));
    assertEquals("exp.yaml: --set training.seed.x=1: training.seed is a single value, it has no field 'x'", error("training.seed.x=1"));
    assertEquals("exp.yaml: --set seed: expected path=value, e.g. training.seed=3", error("seed"));
    assertEquals("exp.yaml: --set training..seed=1: the path 'training..seed' has an empty part", error("training..seed=1"));
    assertEquals("exp.yaml: training.seed: expected an integer, got 'x'", error("training.seed=x"));
  }

  @Test
  void optionsAndRecipeStagesAcceptOverrides() {
    ExperimentConfig c = ExperimentConfigTest.parse(MINIMAL, "recipe.0.name=only", "recipe.0.training.epochs=1");
    assertEquals("only", c.stages().get(0).name());
    assertEquals(1, c.stages().get(0).training().epochs());
    assertEquals("exp.yaml: methods.0.options.temp: method 'kd' has no option 'temp'; valid options: temperature, alpha", error("methods.0.options.temp=3"));
  }
}
