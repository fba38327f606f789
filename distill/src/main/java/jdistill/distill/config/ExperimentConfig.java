package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodRegistry;

/**
 * One distillation experiment as written in a YAML (or JSON) file: teacher, student, task, data,
 * methods with weights and options, optimizer, training, evaluation, and an optional recipe of
 * stages. Each part's javadoc lists its fields and defaults; a minimal config is
 *
 * <pre>
 * teacher: {path: models/bert-base-sst2}
 * student: {from_teacher: {every_other: true}}
 * task: {type: sequence_classification}
 * data: {train: data/sst2/train.jsonl, eval: data/sst2/dev.jsonl}
 * methods:
 *   - {name: kd, weight: 1.0, options: {temperature: 4}}
 * </pre>
 *
 * Unknown fields are errors that list the valid ones; every error names the file and the field.
 *
 * @param teacher the teacher (required)
 * @param student the student (required; shared by every stage)
 * @param task the task (required)
 * @param data the data (required)
 * @param methods methods of the single stage, or defaults for the recipe's stages
 * @param optimizer optimizer settings (defaults in {@link OptimizerConfig})
 * @param training training settings (defaults in {@link TrainingConfig})
 * @param evaluation evaluation settings (defaults in {@link EvaluationConfig})
 * @param recipe stages run in order, each merged over the top-level fields (default: none, one stage)
 */
public record ExperimentConfig(
    @JsonProperty("teacher") TeacherConfig teacher,
    @JsonProperty("student") StudentConfig student,
    @JsonProperty("task") TaskConfig task,
    @JsonProperty("data") DataConfig data,
    @JsonProperty("methods") List<MethodSpec> methods,
    @JsonProperty("optimizer") OptimizerConfig optimizer,
    @JsonProperty("training") TrainingConfig training,
    @JsonProperty("evaluation") EvaluationConfig evaluation,
    @JsonProperty("recipe") List<Stage> recipe) {

  public ExperimentConfig {
    Checks.required(teacher, "teacher", "a teacher: {path: HF folder} or {task_teacher: {base: HF folder, epochs: N}}");
    Checks.required(student, "student", "a student: {from_teacher: {...}}, {fresh: {...}} or {path: HF folder}");
    Checks.required(task, "task", "the task: {type: sequence_classification | regression | masked_lm | causal_lm | sentence_embedding}");
    Checks.required(data, "data", "the data: {train: file, eval: file, ...}");
    methods = methods == null ? List.of() : new ArrayList<>(methods).stream().toList();
    optimizer = Checks.or(optimizer, OptimizerConfig.defaults());
    training = Checks.or(training, TrainingConfig.defaults());
    evaluation = Checks.or(evaluation, EvaluationConfig.defaults());
    recipe = recipe == null ? List.of() : List.copyOf(recipe);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < recipe.size(); i++) {
      if (!names.add(recipe.get(i).name())) throw new ConfigFieldException("recipe." + i + ".name", "stage name '" + recipe.get(i).name() + "' is used twice");
    }
  }

  /** The stages to run: the recipe's, or one stage named "main" from the top-level fields. */
  public List<Stage> stages() {
    if (!recipe.isEmpty()) return recipe;
    return List.of(new Stage("main", teacher, task, data, methods, optimizer, training, evaluation));
  }

  /** The stages with their methods validated against {@code lookup} and bound to factories. */
  public List<ResolvedStage> resolve(Function<String, MethodFactory> lookup) {
    List<ResolvedStage> out = new ArrayList<>();
    List<Stage> stages = stages();
    for (int i = 0; i < stages.size(); i++) {
      try {
        out.add(stages.get(i).resolve(lookup));
      } catch (ConfigFieldException e) {
        throw recipe.isEmpty() ? e : e.under("recipe." + i);
      }
    }
    return out;
  }

  /** The stages resolved against the built-in methods ({@link MethodRegistry}). */
  public List<ResolvedStage> resolve() {
    return resolve(MethodRegistry::get);
  }

  /** The same config with another recipe. */
  public ExperimentConfig withRecipe(List<Stage> stages) {
    return new ExperimentConfig(teacher, student, task, data, methods, optimizer, training, evaluation, stages);
  }

  /**
   * Loads a config file, applies {@code overrides} ("training.seed=3", "methods.0.weight=0.5": a
   * dotted path, list entries by index, and a YAML value) and checks the methods against the
   * built-in registry. Errors are {@link ConfigException}s naming the file, the field and what was
   * expected.
   */
  public static ExperimentConfig load(Path file, List<String> overrides) {
    return load(file, overrides, MethodRegistry::get);
  }

  /** As {@link #load(Path, List)}, checking methods against {@code lookup}. */
  public static ExperimentConfig load(Path file, List<String> overrides, Function<String, MethodFactory> lookup) {
    return ConfigLoader.load(file, overrides, lookup);
  }

  /**
   * The config file with {@code overrides} applied, as YAML, before binding: what a run saves
   * beside its results so that it can be repeated.
   */
  public static String effectiveYaml(Path file, List<String> overrides) {
    try {
      return ConfigLoader.effectiveYaml(java.nio.file.Files.readString(file), file.toString(), overrides);
    } catch (java.io.IOException e) {
      throw new ConfigException(file.toString(), "", "cannot be read: " + e.getMessage());
    }
  }

  /** Parses config text; {@code source} names it in errors. */
  public static ExperimentConfig parse(String yaml, String source, List<String> overrides, Function<String, MethodFactory> lookup) {
    return ConfigLoader.parse(yaml, source, overrides, lookup);
  }
}
