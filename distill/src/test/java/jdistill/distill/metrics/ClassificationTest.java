package jdistill.distill.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassificationTest {

  // tp = 2 (positions 1, 4), tn = 2 (0, 3), fp = 1 (2), fn = 0
  private static final int[] PRED = {0, 1, 1, 0, 1};
  private static final int[] GOLD = {0, 1, 0, 0, 1};

  @Test
  void accuracyAndBinaryF1() {
    assertEquals(0.8, Classification.accuracy(PRED, GOLD), 1e-15);
    // precision 2/3, recall 1 -> F1 = 2 tp / (2 tp + fp + fn) = 4/5
    assertEquals(0.8, Classification.f1Binary(PRED, GOLD), 1e-15);
    // class 0 as positive: tp 2, fp 0, fn 1 -> 4/5
    assertEquals(0.8, Classification.f1(PRED, GOLD, 0), 1e-15);
    // no positives anywhere: undefined, counted as 0
    assertEquals(0.0, Classification.f1Binary(new int[] {0, 0}, new int[] {0, 0}));
  }

  @Test
  void binaryMatthews() {
    // (tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = 4 / sqrt(3*2*3*2) = 2/3
    assertEquals(2.0 / 3.0, Classification.matthews(PRED, GOLD), 1e-15);
    assertEquals(1.0, Classification.matthews(GOLD, GOLD), 1e-15);
    int[] inverted = {1, 0, 1, 1, 0};
    assertEquals(-1.0, Classification.matthews(inverted, GOLD), 1e-15);
  }

  @Test
  void matthewsIsZeroWhenOneSideIsAllOneClass() {
    assertEquals(0.0, Classification.matthews(new int[] {0, 1, 0, 1}, new int[] {1, 1, 1, 1}));
    assertEquals(0.0, Classification.matthews(new int[] {1, 1, 1, 1}, new int[] {0, 1, 0, 1}));
    assertEquals(0.0, Classification.matthews(new int[] {0, 0}, new int[] {0, 0}));
  }

  @Test
  void multiClassMatthewsAndMacroF1() {
    // scikit-learn's documentation example: macro F1 = (0.8 + 0 + 0) / 3
    int[] gold = {0, 1, 2, 0, 1, 2};
    int[] pred = {0, 2, 1, 0, 0, 1};
    assertEquals(0.8 / 3, Classification.f1Macro(pred, gold), 1e-15);
    // Gorodkin: c = 2, s = 6, t = p... sum t_k p_k = 12 -> numerator 2*6 - 12 = 0
    assertEquals(0.0, Classification.matthews(pred, gold), 1e-15);
    // c = 4, t = p = (2, 2, 2): (4*6 - 12) / sqrt((36 - 12)(36 - 12)) = 0.5
    assertEquals(0.5, Classification.matthews(new int[] {0, 1, 1, 0, 2, 2}, gold), 1e-15);
    // a class only predicted still counts in the macro mean: classes {0, 3}: F1_0 = 2/3, F1_3 = 0
    assertEquals(1.0 / 3, Classification.f1Macro(new int[] {0, 3}, new int[] {0, 0}), 1e-15);
  }

  @Test
  void badInputsFail() {
    assertEquals("2 predictions for 3 labels",
        assertThrows(IllegalArgumentException.class, () -> Classification.accuracy(new int[2], new int[3])).getMessage());
    assertEquals("no predictions to score",
        assertThrows(IllegalArgumentException.class, () -> Classification.accuracy(new int[0], new int[0])).getMessage());
    assertEquals("class ids must be >= 0; position 1 has label -1, prediction 0",
        assertThrows(IllegalArgumentException.class, () -> Classification.matthews(new int[2], new int[] {0, -1})).getMessage());
  }
}
