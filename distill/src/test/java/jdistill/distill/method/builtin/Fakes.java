package jdistill.distill.method.builtin;

import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.StepView;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/** Hand-made model outputs, tap recordings and setups for the methods' loss tests. */
final class Fakes {

  private Fakes() {}

  static TransformerConfig config(int layers, int hidden, int heads) {
    return new TransformerConfig(50, 16, 0, hidden, layers, heads, 2 * hidden, 1e-5, Activation.GELU_TANH, 0, 0);
  }

  /** A model that only has a shape (the losses never call forward). */
  static DistillModel shape(TransformerConfig c) {
    return new DistillModel() {
      @Override
      public Module module() {
        return null;
      }

      @Override
      public TransformerConfig config() {
        return c;
      }

      @Override
      public ModelOutput forward(Batch batch, TapRecorder taps) {
        throw new UnsupportedOperationException("shape-only fake model");
      }
    };
  }

  static MethodSetup setup(TransformerConfig teacher, TransformerConfig student) {
    return new MethodSetup(shape(teacher), shape(student), new Rng(11));
  }

  static Method create(String name, Map<String, ?> options, MethodSetup setup) {
    return MethodRegistry.create(name, options, setup);
  }

  /** A recorder holding the given (tap, layer, tensor) triples. */
  static TapRecorder taps(Object... triples) {
    TapRecorder r = new TapRecorder();
    for (int i = 0; i < triples.length; i += 3) {
      Tap tap = (Tap) triples[i];
      int layer = (Integer) triples[i + 1];
      r.request(tap, layer);
      r.offer(tap, layer, (Tensor) triples[i + 2]);
    }
    return r;
  }

  static ModelOutput output(Tensor logits, Tensor hidden, TapRecorder taps) {
    return new ModelOutput(logits, hidden, taps == null ? new TapRecorder() : taps);
  }

  static Tensor randn(Rng rng, int... shape) {
    return Tensor.randn(rng, 1.0, shape);
  }

  /** A leaf that requires gradients (student side). */
  static Tensor param(Rng rng, int... shape) {
    return Tensor.randn(rng, 1.0, shape).requiresGrad(true);
  }

  static Tensor longs(long[] v, int... shape) {
    return Tensor.ofLongs(v, shape);
  }

  static Batch batch(Tensor mask, Tensor labels) {
    int b = mask.shape(0);
    int s = mask.shape(1);
    return new Batch(Tensor.zeros(jdistill.engine.DType.I64, jdistill.engine.Device.CPU, b, s), mask, null, labels);
  }

  static StepView step(Batch batch, ModelOutput teacher, ModelOutput student) {
    return new StepView(batch, teacher, student, 0, 10);
  }

  /** Sum of every loss term, as the trainer would add them at weight 1. */
  static double total(Map<String, Tensor> losses) {
    double s = 0;
    for (Tensor t : losses.values()) s += t.item();
    return s;
  }
}
