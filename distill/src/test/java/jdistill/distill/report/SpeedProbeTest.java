package jdistill.distill.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class SpeedProbeTest {

  private static Batch batch() {
    long[] ids = new long[2 * 8];
    for (int i = 0; i < ids.length; i++) ids[i] = i % 20;
    return new Batch(Tensor.ofLongs(ids, 2, 8), null, null, null);
  }

  @Test
  void countsPassesTimesTheBestRoundAndRestoresTheMode() {
    DistillModel real = DistillModels.of(new Gpt2(new TransformerConfig(20, 16, 0, 16, 1, 2, 32, 1e-5, Activation.GELU_TANH, 0.1, 0.1), new Rng(1)));
    AtomicInteger calls = new AtomicInteger();
    boolean[] trainingSeen = {true};
    DistillModel counted = new DistillModel() {
      @Override
      public Module module() {
        return real.module();
      }

      @Override
      public jdistill.models.transformer.TransformerConfig config() {
        return real.config();
      }

      @Override
      public ModelOutput forward(Batch b, TapRecorder t) {
        calls.incrementAndGet();
        trainingSeen[0] &= !real.module().isTraining();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          throw new RuntimeException(e);
        }
        return real.forward(b, t);
      }
    };
    real.module().train();
    SpeedProbe.Speed s = new SpeedProbe(2, 3, 4).measure(counted, batch());
    assertEquals(2 + 3 * 4, calls.get());
    assertTrue(trainingSeen[0], "measured in eval mode");
    assertTrue(real.module().isTraining(), "training mode restored");
    assertEquals(2, s.batchSize());
    assertEquals(8, s.sequenceLength());
    assertTrue(s.millisPerBatch() >= 2.0, "each pass sleeps 2 ms: " + s.millisPerBatch());
    assertEquals(16 / (s.millisPerBatch() / 1e3), s.tokensPerSecond(), 1e-6 * s.tokensPerSecond());
    assertThrows(IllegalArgumentException.class, () -> new SpeedProbe(0, 0, 1));
  }
}
