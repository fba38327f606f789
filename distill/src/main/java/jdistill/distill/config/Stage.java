package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import jdistill.distill.mapping.LayerMapSpec;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.OptionSpec;
import jdistill.distill.schedule.ValueSchedule;

/**
 * One stage of a run: the same student trained with its own methods and settings. A config
 * without a recipe has a single stage named "main" built from the top-level fields; a recipe's
 * stages are the top-level fields with each stage's fields merged over them (maps merge key by
 * key, lists and values replace), so a stage writes only what differs, e.g. TinyBERT's
 * intermediate stage and prediction stage.
 */
public record Stage(
    @JsonProperty("name") String name,
    @JsonProperty("teacher") TeacherConfig teacher,
    @JsonProperty("task") TaskConfig task,
    @JsonProperty("data") DataConfig data,
    @JsonProperty("methods") List<MethodSpec> methods,
    @JsonProperty("optimizer") OptimizerConfig optimizer,
    @JsonProperty("training") TrainingConfig training,
    @JsonProperty("evaluation") EvaluationConfig evaluation) {

  public Stage {
    Checks.required(name, "name", "a stage name");
    Checks.required(teacher, "teacher", "a teacher (path or task_teacher)");
    Checks.required(task, "task", "the task (type: ...)");
    Checks.required(data, "data", "the data (train: ...)");
    if (methods == null || methods.isEmpty()) {
      throw new ConfigFieldException("methods", "expected at least one method, e.g. [{name: kd, weight: 1.0}] (see 'jdistill methods')");
    }
    for (int i = 0; i < methods.size(); i++) {
      if (methods.get(i) == null) throw new ConfigFieldException("methods." + i, "expected a method {name: ..., weight: ..., options: {...}}, got nothing");
    }
    methods = List.copyOf(methods);
    optimizer = Checks.or(optimizer, OptimizerConfig.defaults());
    training = Checks.or(training, TrainingConfig.defaults());
    evaluation = Checks.or(evaluation, EvaluationConfig.defaults());
  }

  /**
   * Checks every method against its factory's option list and binds it. {@code lookup} returns the
   * factory for a name, or throws (or returns null) for an unknown one. Options typed "schedule"
   * or "layer-map" are parsed as a {@link ValueSchedule} or a {@link LayerMapSpec}. Errors are
   * {@link ConfigFieldException}s whose field is the path below the stage ("methods.1.options.alpha").
   */
  public ResolvedStage resolve(Function<String, MethodFactory> lookup) {
    List<MethodUse> uses = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < methods.size(); i++) {
      MethodSpec m = methods.get(i);
      String at = "methods." + i;
      MethodFactory factory;
      try {
        factory = lookup.apply(m.name());
      } catch (IllegalArgumentException e) {
        throw new ConfigFieldException(at + ".name", e.getMessage());
      }
      if (factory == null) throw new ConfigFieldException(at + ".name", "unknown method '" + m.name() + "'");
      if (!seen.add(m.name())) throw new ConfigFieldException(at + ".name", "method '" + m.name() + "' is listed twice in this stage; combine its settings in one entry");
      MethodInfo info = factory.info();
      Map<String, OptionSpec> specs = new HashMap<>();
      for (OptionSpec s : info.options()) specs.put(s.name(), s);
      for (var e : m.options().entrySet()) {
        String key = e.getKey();
        String field = at + ".options." + key;
        try {
          MethodOptions.of(info, java.util.Collections.singletonMap(key, e.getValue()));
        } catch (IllegalArgumentException ex) {
          throw new ConfigFieldException(field, ex.getMessage());
        }
        OptionSpec spec = specs.get(key);
        if (e.getValue() == null) continue;
        try {
          switch (spec.type()) {
            case "schedule" -> ValueSchedule.parse(e.getValue());
            case "layer-map" -> LayerMapSpec.parse(e.getValue());
            default -> { }
          }
        } catch (IllegalArgumentException ex) {
          throw new ConfigFieldException(field, "method '" + info.name() + "', option '" + key + "': " + ex.getMessage());
        }
      }
      MethodOptions options;
      try {
        options = MethodOptions.of(info, m.options());
      } catch (IllegalArgumentException ex) {
        throw new ConfigFieldException(at + ".options", ex.getMessage());
      }
      uses.add(new MethodUse(m.name(), m.weight(), factory, options));
    }
    return new ResolvedStage(this, uses);
  }
}
