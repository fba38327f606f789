package jdistill.distill.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Rng;
import org.junit.jupiter.api.Test;

class LayerMapsTest {

  /** Teacher layer of each student layer, -1 where unmapped. */
  private static List<Integer> flat(LayerMap m) {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < m.studentLayers(); s++) out.add(m.isMapped(s) ? m.teacherOf(s) : -1);
    return out;
  }

  @Test
  void uniformFollowsTheRoundedFormula() {
    // hand-computed round((i+1) * Lt / Ls) - 1
    assertEquals(List.of(1, 3, 5, 7, 9, 11), flat(LayerMaps.uniform(6, 12)));
    assertEquals(List.of(2, 5, 8, 11), flat(LayerMaps.uniform(4, 12)));
    assertEquals(List.of(1, 4, 6, 9, 11), flat(LayerMaps.uniform(5, 12))); // 2.4 4.8 7.2 9.6 12
    assertEquals(List.of(3, 7, 11, 15, 19, 23), flat(LayerMaps.uniform(6, 24)));
    assertEquals(List.of(1, 2, 4, 5), flat(LayerMaps.uniform(4, 6))); // 1.5 3 4.5 6, halves round up
    assertEquals(List.of(0, 0, 1, 2, 2, 3), flat(LayerMaps.uniform(6, 4))); // deeper student than teacher
    assertEquals(List.of(0, 1, 2), flat(LayerMaps.uniform(3, 3)));
  }

  @Test
  void skipIsPkdSkip() {
    assertEquals(List.of(1, 3, 5, 7, 9, -1), flat(LayerMaps.skip(6, 12, 2, false)));
    assertEquals(List.of(1, 3, 5, 7, 9, 11), flat(LayerMaps.skip(6, 12, 2, true)));
    assertEquals(List.of(1, 3, 5, 7, 9, -1), flat(LayerMaps.skip(6, 12, 0, false)), "k defaults to Lt / Ls");
    assertEquals(List.of(2, 5, 8, 11), flat(LayerMaps.skip(4, 12, 0, true)));
    var e = assertThrows(IllegalArgumentException.class, () -> LayerMaps.skip(6, 12, 3, false));
    assertEquals("layer map: skip with k=3 maps student layer 4 to teacher layer 14, out of range for a 12-layer teacher (0..11); use a smaller k", e.getMessage());
  }

  @Test
  void lastPairsTheLastIntermediateLayers() {
    assertEquals(List.of(6, 7, 8, 9, 10, -1), flat(LayerMaps.last(6, 12, 0, false)));
    assertEquals(List.of(6, 7, 8, 9, 10, 11), flat(LayerMaps.last(6, 12, 0, true)));
    assertEquals(List.of(-1, -1, -1, 9, 10, -1), flat(LayerMaps.last(6, 12, 2, false)));
    assertThrows(IllegalArgumentException.class, () -> LayerMaps.last(6, 12, 6, false));
    assertThrows(IllegalArgumentException.class, () -> LayerMaps.last(6, 3, 5, false));
  }

  @Test
  void explicitChecksRangesAndCounts() {
    LayerMap m = LayerMaps.explicit(3, 12, List.of(List.of(0), List.of(5), List.of(11)), null);
    assertEquals(List.of(0, 5, 11), flat(m));
    assertEquals(List.of(new LayerMap.Pair(0, 0), new LayerMap.Pair(1, 5), new LayerMap.Pair(2, 11)), m.pairs());
    var e = assertThrows(IllegalArgumentException.class, () -> LayerMaps.explicit(3, 12, List.of(List.of(0), List.of(5), List.of(12)), null));
    assertEquals("layer map: teacher layer 12 out of range for a 12-layer teacher (0..11)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMaps.explicit(3, 12, List.of(List.of(0), List.of(5)), null));
    assertTrue(e.getMessage().contains("2 entries for a 3-layer student"), e.getMessage());
    LayerMap partial = LayerMaps.explicit(4, 12, List.of(List.of(3), List.of(7, 8)), List.of(1, 3));
    assertEquals(List.of(1, 3), partial.mappedStudentLayers());
    assertEquals(List.of(7, 8), partial.teachersOf(3));
    assertEquals(List.of(3, 7, 8), partial.usedTeacherLayers());
    var one = assertThrows(IllegalStateException.class, () -> partial.teacherOf(3));
    assertTrue(one.getMessage().contains("teacher layers [7, 8]"), one.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerMaps.explicit(4, 12, List.of(List.of(3)), List.of(4)));
    assertEquals("layer map: student layer 4 out of range for a 4-layer student (0..3)", e.getMessage());
  }

  @Test
  void allMapsEveryStudentLayerToEveryTeacherLayer() {
    LayerMap m = LayerMaps.all(2, 3);
    assertEquals(List.of(0, 1, 2), m.teachersOf(0));
    assertEquals(List.of(0, 1, 2), m.teachersOf(1));
    assertEquals(6, m.pairs().size());
  }

  @Test
  void randomDrawsSortedDistinctLayersAndIsSeeded() {
    Rng rng = new Rng(11);
    for (int i = 0; i < 200; i++) {
      LayerMap m = LayerMaps.random(6, 12, false, rng);
      assertFalse(m.isMapped(5), "the last student layer stays with the logit loss");
      List<Integer> ts = new ArrayList<>();
      for (int s = 0; s < 5; s++) ts.add(m.teacherOf(s));
      for (int s = 1; s < 5; s++) assertTrue(ts.get(s) > ts.get(s - 1), "sorted and distinct: " + ts);
      assertTrue(ts.get(4) <= 10, "the last teacher layer is excluded: " + ts);
      assertTrue(ts.get(0) >= 0);
    }
    assertEquals(LayerMaps.random(6, 12, false, new Rng(5)), LayerMaps.random(6, 12, false, new Rng(5)));
    LayerMap withLast = LayerMaps.random(4, 4, true, new Rng(1));
    assertEquals(List.of(0, 1, 2, 3), flat(withLast), "4 of 4 layers leaves one possible draw");
    var e = assertThrows(IllegalArgumentException.class, () -> LayerMaps.random(6, 5, false, new Rng(1)));
    assertTrue(e.getMessage().contains("(4, the last excluded) as mapped student layers (5)"), e.getMessage());
  }

  @Test
  void randomSubsetsAreUniform() {
    // 2 student layers from 4 candidate teacher layers (0..3): 6 subsets, each with probability 1/6
    Rng rng = new Rng(2024);
    Map<List<Integer>, Integer> counts = new HashMap<>();
    int n = 6000;
    for (int i = 0; i < n; i++) {
      LayerMap m = LayerMaps.random(3, 5, false, rng);
      counts.merge(List.of(m.teacherOf(0), m.teacherOf(1)), 1, Integer::sum);
    }
    assertEquals(6, counts.size(), counts.toString());
    // binomial sd = sqrt(6000 * 1/6 * 5/6) ~ 29; 5 sd margin
    for (int c : counts.values()) assertTrue(Math.abs(c - 1000) < 150, counts.toString());
  }

  @Test
  void badCountsAndDuplicatesFail() {
    assertThrows(IllegalArgumentException.class, () -> LayerMaps.uniform(0, 12));
    assertThrows(IllegalArgumentException.class, () -> LayerMaps.uniform(6, 0));
    var e = assertThrows(IllegalArgumentException.class,
        () -> LayerMap.ofPairs(2, 4, List.of(new LayerMap.Pair(0, 1), new LayerMap.Pair(0, 2))));
    assertEquals("layer map: student layer 0 is mapped twice", e.getMessage());
    assertEquals("LayerMap[6<-12: 0<-1 1<-3 2<-5 3<-7 4<-9 5<-11]", LayerMaps.uniform(6, 12).toString());
  }
}
