package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerMapTest {

  @Test
  void uniformMapEndsOnTheLastTeacherLayer() {
    assertArrayEquals(new int[] {2, 5, 8, 11}, LayerMap.uniform(4, 12));
    assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11}, LayerMap.uniform(6, 12));
    assertArrayEquals(new int[] {0, 1, 2}, LayerMap.uniform(3, 3));
  }

  @Test
  void pkdSkipAndLastLeaveTheStudentsLastLayerOut() {
    // PKD-Skip 12 -> 6: teacher layers 2, 4, 6, 8, 10 counted from 1
    assertArrayEquals(new int[] {1, 3, 5, 7, 9}, LayerMap.skip(6, 12));
    assertArrayEquals(new int[] {3, 7}, LayerMap.skip(3, 12));
    // PKD-Last 12 -> 6: teacher layers 7..11 counted from 1
    assertArrayEquals(new int[] {6, 7, 8, 9, 10}, LayerMap.last(6, 12));
    assertArrayEquals(new int[0], LayerMap.skip(1, 4));
  }

  @Test
  void explicitAndResolvedLayersAreChecked() {
    assertArrayEquals(new int[] {0, 3}, LayerMap.explicit(List.of(0, 3), 2, 4, "opt"));
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> LayerMap.explicit(List.of(0), 2, 4, "opt"));
    assertTrue(count.getMessage().contains("expected 2 teacher layers"), count.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> LayerMap.explicit(List.of(0, 4), 2, 4, "opt"));
    assertTrue(range.getMessage().contains("out of range"), range.getMessage());
    assertEquals(3, LayerMap.resolve(-1, 4, "x"));
    assertEquals(1, LayerMap.resolve(1, 4, "x"));
    assertThrows(IllegalArgumentException.class, () -> LayerMap.resolve(-5, 4, "x"));
    assertThrows(IllegalArgumentException.class, () -> LayerMap.uniform(5, 4));
  }
}
