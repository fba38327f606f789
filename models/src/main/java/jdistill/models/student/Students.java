package jdistill.models.student;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.ModelSpec;
import jdistill.models.transformer.TransformerConfig;

/**
 * Builds students from a teacher of the same family: a shallower copy whose embeddings, chosen
 * blocks, final norm, pooler and heads are the teacher's weights, or a fresh random model of any
 * size that keeps the teacher's vocabulary, positions and head.
 */
public final class Students {

  private static final Pattern LAYER = Pattern.compile("^((?:bert\\.)?encoder\\.layer\\.|transformer\\.h\\.|h\\.)(\\d+)(\\..*)$");

  private Students() {}

  /** A student with the teacher's blocks {@code layers} (in that order) and every other weight copied. */
  public static Module fromTeacher(Module teacher, List<Integer> layers) {
    ModelSpec spec = HfCheckpoint.spec(teacher);
    List<Integer> chosen = LayerSelection.validate(layers, spec.config().layers());
    Module student = spec.family().create(spec.config().withLayers(chosen.size()), spec.numLabels(), new Rng(0));
    Map<String, Tensor> teacherState = teacher.stateDict();
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (String name : student.stateDict().keySet()) {
      String source = name;
      Matcher m = LAYER.matcher(name);
      if (m.matches()) source = m.group(1) + chosen.get(Integer.parseInt(m.group(2))) + m.group(3);
      Tensor t = teacherState.get(source);
      if (t == null) throw new IllegalStateException("teacher has no tensor " + source + " for student tensor " + name);
      state.put(name, t);
    }
    try (var g = GradMode.noGrad()) {
      student.loadStateDict(state, true);
    }
    student.train(teacher.isTraining());
    return student;
  }

  /**
   * A randomly initialised model of the teacher's family with the teacher's vocabulary, positions,
   * token types, activation and label count, and the given depth and width.
   */
  public static Module fresh(Module teacher, int layers, int hidden, int heads, int intermediate, Rng rng) {
    ModelSpec spec = HfCheckpoint.spec(teacher);
    TransformerConfig c = spec.config().withSize(layers, hidden, heads, intermediate);
    return spec.family().create(c, spec.numLabels(), rng);
  }
}
