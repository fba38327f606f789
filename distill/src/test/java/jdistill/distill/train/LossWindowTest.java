package jdistill.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a log line reports: means of the window's losses, the rest of its last step. */
class LossWindowTest {

  private static StepStats step(long n, double loss, double kd, double lr) {
    return new StepStats(n, 0, loss, Map.of("kd.soft", kd), Map.of("kd", 1.0), lr, 10.0 * n, 100, 0.5);
  }

  @Test
  void meansOverTheWindowAndTheLastStepsPosition() {
    LossWindow w = new LossWindow();
    assertTrue(w.isEmpty());
    StepStats last = step(3, 0.4, 0.1, 1e-4);
    w.add(step(1, 2.0, 1.0, 3e-4));
    w.add(step(2, 0.6, 0.5, 2e-4));
    w.add(last);
    assertEquals(3, w.steps());
    StepStats m = w.mean(last);
    assertEquals(1.0, m.loss(), 1e-15);
    assertEquals(Map.of("kd.soft", 1.6 / 3), m.terms());
    assertEquals(3, m.step());
    assertEquals(1e-4, m.lr());
    assertEquals(30.0, m.gradNorm());
    assertEquals(300, m.tokens());
    assertEquals(1.5, m.seconds(), 1e-15);
    w.clear();
    assertTrue(w.isEmpty());
    assertSame(last, w.mean(last), "an empty window reports the step as it is");
    w.add(last);
    assertEquals(0.4, w.mean(last).loss(), 0.0, "a window of one step is that step");
  }
}
