package jdistill.distill.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of bad config gives one message naming file, field and what was expected. */
class ConfigErrorsTest {

  private static final String MINIMAL = ExperimentConfigTest.MINIMAL;

  private static String error(String yaml, String... overrides) {
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigTest.parse(yaml, overrides));
    return e.getMessage();
  }

  @Test
  void unknownFieldsListTheValidOnes() {
    assertEquals("exp.yaml: trainig: unknown field 'trainig'; valid fields: teacher, student, task, data, methods, optimizer, training, evaluation, recipe",
        error(MINIMAL + "trainig: {seed: 1}\n"));
    assertEquals("exp.yaml: training.sed: unknown field 'sed'; valid fields: epochs, steps, eval_every, log_every, seed, device, dtype, checkpoint_every, output",
        error(MINIMAL + "training: {sed: 1}\n"));
    assertEquals("exp.yaml: methods.0.wieght: unknown field 'wieght'; valid fields: name, weight, options",
        error(MINIMAL.replace("{name: kd}", "{name: kd, wieght: 2}")));
  }

  @Test
  void wrongTypesSayWhatWasExpected() {
    assertEquals("exp.yaml: training.seed: expected an integer, got 'abc'", error(MINIMAL + "training: {seed: abc}\n"));
    assertEquals("exp.yaml: training.epochs: expected an integer, got 2.5", error(MINIMAL + "training: {epochs: 2.5}\n"));
    assertEquals("exp.yaml: optimizer.lr: expected a number, got 'fast'", error(MINIMAL + "optimizer: {lr: fast}\n"));
    assertEquals("exp.yaml: data.bucketing: expected true or false, got 'often'",
        error(MINIMAL.replace("train: data/sst2/train.jsonl", "train: data/sst2/train.jsonl, bucketing: often")));
    assertEquals("exp.yaml: task.type: expected one of sequence_classification, regression, masked_lm, causal_lm, sentence_embedding, got 'classification'",
        error(MINIMAL.replace("type: sequence_classification", "type: classification")));
    assertEquals("exp.yaml: training.device: expected one of cpu, cuda, got 'tpu'", error(MINIMAL + "training: {device: tpu}\n"));
    assertEquals("exp.yaml: training: expected a map with fields epochs, steps, eval_every, log_every, seed, device, dtype, checkpoint_every, output, got 'fast'",
        error(MINIMAL + "training: fast\n"));
    assertEquals("exp.yaml: training.seed: expected an integer, got a map", error(MINIMAL + "training: {seed: {a: 1}}\n"));
    assertEquals("exp.yaml: methods: expected a list, got a map", error(MINIMAL.replace("methods:\n  - {name: kd}", "methods: {name: kd}")));
  }

  @Test
  void recordChecksNameTheField() {
    assertEquals("exp.yaml: training.steps: give epochs or steps, not both", error(MINIMAL + "training: {epochs: 1, steps: 100}\n"));
    assertEquals("exp.yaml: teacher: expected only one of: path, task_teacher (2 are set)",
        error(MINIMAL.replace("teacher: {path: models/bert-base-sst2}", "teacher: {path: a, task_teacher: {base: b}}")));
    assertEquals("exp.yaml: teacher.task_teacher.base: required: the Hugging Face folder of the model to fine-tune",
        error(MINIMAL.replace("teacher: {path: models/bert-base-sst2}", "teacher: {task_teacher: {epochs: 2}}")));
    assertEquals("exp.yaml: student: expected one of: from_teacher, fresh, path", error(MINIMAL.replace("{from_teacher: {every_other: true}}", "{}")));
    assertEquals("exp.yaml: student.fresh.heads: 5 heads do not divide the hidden width 768",
        error(MINIMAL.replace("{from_teacher: {every_other: true}}", "{fresh: {layers: 6, hidden: 768, heads: 5}}")));
    assertEquals("exp.yaml: task.pooling: applies to the sentence_embedding task only",
        error(MINIMAL.replace("{type: sequence_classification}", "{type: sequence_classification, pooling: mean}")));
    assertEquals("exp.yaml: data.format: cannot tell the format of 'train.dat' from its extension; set format: jsonl, tsv, csv or text",
        error(MINIMAL.replace("data/sst2/train.jsonl", "train.dat")));
    assertEquals("exp.yaml: optimizer.betas.1: expected a number in [0, 1), got 1.5", error(MINIMAL + "optimizer: {betas: [0.9, 1.5]}\n"));
    assertEquals("exp.yaml: evaluation.metrics.1: unknown metric 'acc'; known metrics: accuracy, f1, macro_f1, mcc, pearson, spearman, perplexity, loss, agreement, embedding_cosine, similarity_spearman",
        error(MINIMAL + "evaluation: {metrics: [accuracy, acc]}\n"));
    assertEquals("exp.yaml: teacher: required: a teacher: {path: HF folder} or {task_teacher: {base: HF folder, epochs: N}}",
        error(MINIMAL.replace("teacher: {path: models/bert-base-sst2}\n", "")));
    assertTrue(error(MINIMAL.replace("methods:\n  - {name: kd}\n", "")).startsWith("exp.yaml: methods: expected at least one method"));
  }

  @Test
  void methodsAreCheckedAgainstTheirOptions() {
    assertEquals("exp.yaml: methods.0.name: unknown method 'kdd'; valid methods: kd, pkd, theseus, tinybert_intermediate, tinybert_prediction",
        error(MINIMAL.replace("{name: kd}", "{name: kdd}")));
    assertEquals("exp.yaml: methods.0.options.temp: method 'kd' has no option 'temp'; valid options: temperature, alpha",
        error(MINIMAL.replace("{name: kd}", "{name: kd, options: {temp: 2}}")));
    assertEquals("exp.yaml: methods.0.options.temperature: method 'kd', option 'temperature': expected a number, got hot",
        error(MINIMAL.replace("{name: kd}", "{name: kd, options: {temperature: hot}}")));
    assertEquals("exp.yaml: methods.0.options.layer_map: method 'pkd', option 'layer_map': layer map: unknown strategy 'diagonal'; valid strategies: uniform, skip, last, explicit, all, random",
        error(MINIMAL.replace("{name: kd}", "{name: pkd, options: {layer_map: diagonal}}")));
    assertEquals("exp.yaml: methods.0.options.replacing_rate: method 'theseus', option 'replacing_rate': schedule: linear needs 'to', a number",
        error(MINIMAL.replace("{name: kd}", "{name: theseus, options: {replacing_rate: {kind: linear, from: 0.3}}}")));
    assertEquals("exp.yaml: methods.0.weight: schedule: unknown kind 'exp'; valid kinds: constant, linear, cosine, step, annealing",
        error(MINIMAL.replace("{name: kd}", "{name: kd, weight: {kind: exp}}")));
    assertEquals("exp.yaml: methods.1.name: method 'kd' is listed twice in this stage; combine its settings in one entry",
        error(MINIMAL.replace("- {name: kd}", "- {name: kd}\n  - {name: kd, weight: 2}")));
    assertEquals("exp.yaml: methods.0.name: required: a registered method name (see 'jdistill methods')",
        error(MINIMAL.replace("{name: kd}", "{weight: 2}")));
  }

  @Test
  void badYamlAndFilesAreReported() {
    assertEquals("exp.yaml: line 2, column 8: not valid YAML: while parsing a flow mapping: expected ',' or '}', but got :",
        error("teacher: {path: x\nstudent: ["));
    assertEquals("exp.yaml: expected a map at the top level, got a list", error("- a\n- b\n"));
    assertEquals("exp.yaml: the file is empty; expected a map with teacher, student, task, data and methods", error(""));
    assertEquals("exp.yaml: line 8, column 9: duplicate field 'training' (each key once per map)",
        error(MINIMAL + "training: {seed: 1}\ntraining: {seed: 2}\n"));
    Path missing = Path.of("no/such/config.yaml");
    ConfigException m = assertThrows(ConfigException.class, () -> ExperimentConfig.load(missing, List.of(), FakeMethods.lookup()));
    assertEquals(missing + ": no such file", m.getMessage());
  }
}
