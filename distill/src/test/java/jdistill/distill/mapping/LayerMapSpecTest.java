package jdistill.distill.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jdistill.engine.Rng;
import org.junit.jupiter.api.Test;

class LayerMapSpecTest {

  @Test
  void parsesNamesListsAndMaps() {
    assertEquals(LayerMapSpec.of(LayerMapSpec.Strategy.UNIFORM), LayerMapSpec.parse("uniform"));
    assertEquals(LayerMapSpec.of(LayerMapSpec.Strategy.LAST), LayerMapSpec.parse("last-k"));
    assertEquals(LayerMapSpec.of(LayerMapSpec.Strategy.UNIFORM), LayerMapSpec.parse(Map.of("strategy", "uniform")));
    LayerMapSpec skip = LayerMapSpec.parse(Map.of("strategy", "skip", "k", 2, "include_last", true));
    assertEquals(new LayerMapSpec(LayerMapSpec.Strategy.SKIP, 2, true, null, null, null, 0), skip);
    assertEquals(List.of(1, 3, 5, 7, 9, 11), skip.build(6, 12, null).pairs().stream().map(LayerMap.Pair::teacher).toList());

    LayerMapSpec list = LayerMapSpec.parse(List.of(0, 2, 4));
    assertEquals(LayerMapSpec.explicit(List.of(0, 2, 4)), list);
    assertEquals(LayerMapSpec.explicit(List.of(0, 2, 4)), LayerMapSpec.parse("[0, 2, 4]"));
    assertEquals(LayerMapSpec.parse(Map.of("strategy", "explicit", "layers", List.of(1, List.of(2, 3)))), LayerMapSpec.parse("[1, [2, 3]]"));
    LayerMap m = LayerMapSpec.parse(Map.of("strategy", "explicit", "layers", List.of(5, 11), "student", List.of(1, 2))).build(3, 12, null);
    assertEquals(List.of(1, 2), m.mappedStudentLayers());
    assertEquals(11, m.teacherOf(2));

    LayerMapSpec random = LayerMapSpec.parse(Map.of("strategy", "random", "every", "steps", "steps", 100));
    assertEquals(LayerMapSpec.Redraw.STEPS, random.every());
    assertEquals(100, random.steps());
    assertEquals(LayerMapSpec.Redraw.EPOCH, LayerMapSpec.parse("random").every());
    assertEquals("{strategy: random, every: steps, steps: 100}", random.toString());
  }

  @Test
  void parseErrorsNameTheProblem() {
    var e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse("diagonal"));
    assertEquals("layer map: unknown strategy 'diagonal'; valid strategies: uniform, skip, last, explicit, all, random", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("strategy", "uniform", "stride", 2)));
    assertEquals("layer map: unknown key 'stride'; valid keys: strategy, k, include_last, layers, student, every, steps", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("strategy", "uniform", "k", 2)));
    assertEquals("layer map: 'k' applies to skip and last, not uniform", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("strategy", "random", "every", "steps")));
    assertTrue(e.getMessage().contains("needs 'steps'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("strategy", "random", "every", "hour")));
    assertTrue(e.getMessage().contains("'every' must be epoch or steps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("strategy", "explicit")));
    assertTrue(e.getMessage().contains("explicit needs 'layers'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(Map.of("k", 2)));
    assertTrue(e.getMessage().contains("'strategy' is required"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(List.of(1, "x")));
    assertTrue(e.getMessage().contains("must be integers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMapSpec.parse(List.of(0, 6, 12)).build(3, 12, null));
    assertEquals("layer map: teacher layer 12 out of range for a 12-layer teacher (0..11)", e.getMessage());
  }

  @Test
  void fixedMapperNeverChanges() {
    LayerMapper mapper = LayerMapSpec.parse("uniform").mapper(6, 12, 0, null);
    LayerMap first = mapper.current();
    for (long s = 0; s < 50; s++) assertFalse(mapper.beginStep(s, new Rng(s)));
    assertEquals(first, mapper.current());
    assertEquals(1, mapper.draws());
  }

  @Test
  void randomMapperRedrawsEveryNSteps() {
    Rng rng = new Rng(3);
    LayerMapper mapper = LayerMapSpec.parse(Map.of("strategy", "random", "every", "steps", "steps", 10)).mapper(6, 12, 0, rng);
    LayerMap first = mapper.current();
    for (long s = 0; s < 10; s++) assertFalse(mapper.beginStep(s, rng), "step " + s);
    assertEquals(first, mapper.current());
    assertTrue(mapper.beginStep(10, rng));
    for (long s = 11; s < 20; s++) assertFalse(mapper.beginStep(s, rng));
    assertTrue(mapper.beginStep(20, rng));
    assertEquals(3, mapper.draws());
    // 1 in C(11, 5) = 462 that two draws agree; this seed draws a different subset
    assertNotEquals(first, mapper.current());
  }

  @Test
  void randomMapperRedrawsEachEpochAndReplaysWithTheSameSeed() {
    LayerMapSpec spec = LayerMapSpec.parse("random");
    var e = assertThrows(IllegalArgumentException.class, () -> spec.mapper(6, 12, 0, new Rng(1)));
    assertTrue(e.getMessage().contains("needs the number of steps per epoch"), e.getMessage());
    Rng a = new Rng(9);
    Rng b = new Rng(9);
    LayerMapper ma = spec.mapper(6, 12, 25, a);
    LayerMapper mb = spec.mapper(6, 12, 25, b);
    int changes = 0;
    for (long s = 0; s < 100; s++) {
      boolean ca = ma.beginStep(s, a);
      assertEquals(ca, mb.beginStep(s, b));
      assertEquals(ma.current(), mb.current());
      if (ca) changes++;
    }
    assertEquals(3, changes, "epochs start at steps 25, 50, 75");
  }
}
