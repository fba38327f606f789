package jdistill.distill.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jdistill.distill.core.StepView;
import org.junit.jupiter.api.Test;

class ValueScheduleTest {

  private static final double EPS = 1e-12;

  @Test
  void numbersAreConstants() {
    ValueSchedule s = ValueSchedule.parse(0.5);
    assertTrue(s.isConstant());
    assertEquals(0.5, s.at(0, 0));
    assertEquals(0.5, s.at(1_000_000, 10));
    assertEquals(1e-5, ValueSchedule.parse("1e-5").at(3, 10));
    assertEquals(2.0, ValueSchedule.parse(Map.of("kind", "constant", "value", 2)).at(3, 10));
    assertEquals("0.5", s.describe());
  }

  @Test
  void linearOverAFractionOfTheRun() {
    // BERT-of-Theseus: replacing rate 0.3 -> 1.0 by 66% of the steps
    ValueSchedule s = ValueSchedule.parse(Map.of("kind", "linear", "from", 0.3, "to", 1.0, "fraction", 0.66));
    assertFalse(s.isConstant());
    assertEquals(0.3, s.at(0, 100), EPS);
    assertEquals(0.3 + 0.7 * 33 / 66.0, s.at(33, 100), EPS);
    assertEquals(1.0, s.at(66, 100), EPS);
    assertEquals(1.0, s.at(99, 100), EPS);
    assertEquals("{kind: linear, from: 0.3, to: 1.0, fraction: 0.66}", s.describe());
  }

  @Test
  void linearOverStepsNeedsNoRunLength() {
    ValueSchedule s = ValueSchedule.parse(Map.of("kind", "linear", "from", 10, "to", 0, "start_step", 10, "steps", 20));
    assertEquals(10.0, s.at(5, 0), EPS);
    assertEquals(10.0, s.at(10, 0), EPS);
    assertEquals(5.0, s.at(20, 0), EPS);
    assertEquals(0.0, s.at(30, 0), EPS);
    assertEquals(0.0, s.at(1000, 0), EPS);
    // the whole run by default; start as a fraction
    ValueSchedule whole = ValueSchedule.parse(Map.of("kind", "linear", "from", 0, "to", 1, "start", 0.5));
    assertEquals(0.0, whole.at(40, 100), EPS);
    assertEquals(0.5, whole.at(75, 100), EPS);
    var e = assertThrows(IllegalStateException.class, () -> whole.at(3, 0));
    assertTrue(e.getMessage().contains("relative to the run's length"), e.getMessage());
  }

  @Test
  void cosineFollowsHalfACosine() {
    ValueSchedule s = ValueSchedule.parse(Map.of("kind", "cosine", "from", 1.0, "to", 0.0, "steps", 100));
    assertEquals(1.0, s.at(0, 0), EPS);
    assertEquals(0.8535533905932737, s.at(25, 0), EPS); // (1 + cos(pi/4)) / 2
    assertEquals(0.5, s.at(50, 0), EPS);
    assertEquals(0.0, s.at(100, 0), EPS);
    assertEquals(0.0, s.at(150, 0), EPS);
  }

  @Test
  void stepWiseByFractionOrStep() {
    ValueSchedule s = ValueSchedule.parse(Map.of("kind", "step", "values", List.of(1, 0.5, 0.1), "at", List.of(0.5, 0.8)));
    assertEquals(1.0, s.at(4, 10));
    assertEquals(0.5, s.at(5, 10));
    assertEquals(0.5, s.at(7, 10));
    assertEquals(0.1, s.at(8, 10));
    ValueSchedule steps = ValueSchedule.parse(Map.of("kind", "steps", "values", List.of(0, 1), "at_steps", List.of(100)));
    assertEquals(0.0, steps.at(99, 0));
    assertEquals(1.0, steps.at(100, 0));
    assertEquals("{kind: step, values: [0.0, 1.0], at_steps: [100]}", steps.describe());
  }

  @Test
  void annealingRaisesPhiInMaxLevels() {
    AnnealingSchedule s = (AnnealingSchedule) ValueSchedule.parse(Map.of("kind", "annealing", "max", 7, "steps", 70));
    assertEquals(7.0, s.temperature(0, 0));
    assertEquals(1 / 7.0, s.at(0, 0), EPS);
    assertEquals(1 / 7.0, s.at(9, 0), EPS);
    assertEquals(6.0, s.temperature(10, 0));
    assertEquals(2 / 7.0, s.at(10, 0), EPS);
    assertEquals(4 / 7.0, s.at(30, 0), EPS);
    assertEquals(1.0, s.at(60, 0), EPS);
    assertEquals(1.0, s.at(70, 0), EPS);
    assertEquals(1.0, s.at(500, 0), EPS);
    // default max is 7; continuous: T falls linearly from 7 to 1
    ValueSchedule c = ValueSchedule.parse(Map.of("kind", "annealing", "continuous", true));
    assertEquals(1 / 7.0, c.at(0, 100), EPS);
    assertEquals(4 / 7.0, c.at(50, 100), EPS); // T = 4
    assertEquals(1.0, c.at(100, 100), EPS);
  }

  @Test
  void readsTheStepFromAStepView() {
    ValueSchedule s = ValueSchedule.parse(Map.of("kind", "linear", "from", 0, "to", 1));
    assertEquals(0.25, s.at(new StepView(null, null, null, 25, 100)), EPS);
  }

  @Test
  void errorsNameTheKeyAndWhatWasExpected() {
    var e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse("high"));
    assertEquals("schedule: expected a number or a map with 'kind' (constant, linear, cosine, step, annealing), got 'high'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("from", 1)));
    assertTrue(e.getMessage().startsWith("schedule: 'kind' is required"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "exp")));
    assertEquals("schedule: unknown kind 'exp'; valid kinds: constant, linear, cosine, step, annealing", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "linear", "from", 0, "to", 1, "over", 3)));
    assertEquals("schedule: linear has no key 'over'; valid keys: kind, from, to, start, start_step, steps, fraction", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "linear", "from", 0)));
    assertEquals("schedule: linear needs 'to', a number", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "linear", "from", 0, "to", 1, "steps", 5, "fraction", 0.5)));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "linear", "from", 0, "to", 1, "fraction", 1.5)));
    assertTrue(e.getMessage().contains("'fraction' must be in (0, 1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "step", "values", List.of(1, 2), "at", List.of(0.3, 0.6))));
    assertTrue(e.getMessage().contains("one more value than boundaries"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "step", "values", List.of(1, 2, 3), "at", List.of(0.6, 0.3))));
    assertTrue(e.getMessage().contains("ascending"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "step", "values", List.of(1, 2))));
    assertTrue(e.getMessage().contains("exactly one of them"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(Map.of("kind", "annealing", "max", 0.5)));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ValueSchedule.parse(List.of(1)));
    assertTrue(e.getMessage().startsWith("schedule: expected a number"), e.getMessage());
  }
}
