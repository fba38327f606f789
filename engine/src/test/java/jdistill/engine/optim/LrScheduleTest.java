package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void constant() {
    LrSchedule s = LrSchedule.constant(3e-4);
    assertEquals(3e-4, s.lr(0));
    assertEquals(3e-4, s.lr(1_000_000));
  }

  @Test
  void linearWarmupThenDecayToZero() {
    LrSchedule s = LrSchedule.linear(1e-3, 10, 110);
    assertEquals(0.0, s.lr(0), "HF convention: the first update of a warm-up uses rate 0");
    assertEquals(1e-4, s.lr(1), 1e-18);
    assertEquals(5e-4, s.lr(5), 1e-18);
    assertEquals(1e-3, s.lr(10), 1e-18);
    assertEquals(5e-4, s.lr(60), 1e-18);
    assertEquals(1e-5, s.lr(109), 1e-18);
    assertEquals(0.0, s.lr(110));
    assertEquals(0.0, s.lr(500));
    LrSchedule noWarmup = LrSchedule.linear(1.0, 0, 4);
    assertEquals(1.0, noWarmup.lr(0));
    assertEquals(0.25, noWarmup.lr(3));
  }

  @Test
  void cosineWithWarmupAndFloor() {
    LrSchedule s = LrSchedule.cosine(1.0, 10, 110, 0.1);
    assertEquals(0.5, s.lr(5), 1e-15);
    assertEquals(1.0, s.lr(10), 1e-15);
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), s.lr(35), 1e-15);
    assertEquals(0.55, s.lr(60), 1e-15);
    assertEquals(0.1, s.lr(110), 1e-15);
    assertEquals(0.1, s.lr(1000), 1e-15, "held at the floor after the end");
    assertEquals(0.0, LrSchedule.cosine(2.0, 0, 100, 0.0).lr(100), 1e-15);
  }

  @Test
  void appliesToTheOptimizersNextStep() {
    Parameter w = Parameter.of(() -> Tensor.ones(2));
    AdamW opt = new AdamW(ParamGroup.single(List.of(w), 0), AdamW.Config.of(123));
    LrSchedule s = LrSchedule.linear(1.0, 4, 8);
    s.applyTo(opt);
    assertEquals(0.0, opt.lr());
    for (int i = 0; i < 2; i++) {
      w.tensor().sum().backward();
      opt.step();
      opt.zeroGrad();
    }
    s.applyTo(opt);
    assertEquals(0.5, opt.lr());
  }

  @Test
  void rejectsBadSteps() {
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.linear(1, 10, 5));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1, 0, 5, 1.5));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1));
  }
}
