package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import jdistill.distill.mapping.LayerMaps;

/**
 * A student initialised from the teacher: embeddings, heads and the chosen transformer layers are
 * copied. The layers are given by exactly one rule:
 *
 * <ul>
 *   <li>{@code layers: [0, 2, 4, 7, 9, 11]}: these teacher layers, in this order (DistilBERT);
 *   <li>{@code first: 6}: the first k layers (PKD);
 *   <li>{@code every_other: true}: layers 0, 2, 4, ...;
 *   <li>{@code uniform: 6}: k layers spread like the uniform layer map (12 -> 6: 1, 3, 5, 7, 9, 11).
 * </ul>
 */
public record FromTeacherConfig(
    @JsonProperty("layers") List<Integer> layers,
    @JsonProperty("first") Integer first,
    @JsonProperty("every_other") Boolean everyOther,
    @JsonProperty("uniform") Integer uniform) {

  public FromTeacherConfig {
    Checks.exactlyOne(new String[] {"layers", "first", "every_other", "uniform"}, layers, first, everyOther, uniform);
    if (layers != null) {
      if (layers.isEmpty()) throw new ConfigFieldException("layers", "expected at least one teacher layer");
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i) == null || layers.get(i) < 0) throw new ConfigFieldException("layers." + i, "expected a teacher layer index (0 or more), got " + layers.get(i));
      }
      layers = List.copyOf(layers);
    }
    if (everyOther != null && !everyOther) throw new ConfigFieldException("every_other", "only 'true' makes sense here; choose another rule instead");
    Checks.positive(first, "first");
    Checks.positive(uniform, "uniform");
  }

  /** The teacher layers to copy, in student order, checked against the teacher's layer count. */
  public List<Integer> teacherLayers(int teacherLayers) {
    if (layers != null) {
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i) >= teacherLayers) {
          throw new ConfigFieldException("layers." + i, "teacher layer " + layers.get(i) + " out of range for a " + teacherLayers + "-layer teacher (0.." + (teacherLayers - 1) + ")");
        }
      }
      return layers;
    }
    List<Integer> out = new ArrayList<>();
    if (first != null) {
      if (first > teacherLayers) throw new ConfigFieldException("first", "the teacher has only " + teacherLayers + " layers, cannot take the first " + first);
      for (int i = 0; i < first; i++) out.add(i);
    } else if (everyOther != null) {
      for (int i = 0; i < teacherLayers; i += 2) out.add(i);
    } else {
      if (uniform > teacherLayers) throw new ConfigFieldException("uniform", "the teacher has only " + teacherLayers + " layers, cannot spread " + uniform + " over them");
      for (int s = 0; s < uniform; s++) out.add(LayerMaps.uniform(uniform, teacherLayers).teacherOf(s));
    }
    return List.copyOf(out);
  }
}
