package jdistill.distill.core;

import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * Mixed precision for the distillation methods: a model that computes in BF16 (parameters and
 * activations) hands its logits, last hidden state and taps to the losses in F32, so that
 * softmaxes, divergences and their sums run in F32 (the casts are differentiable, so gradients
 * flow back into the BF16 model).
 */
public final class Float32Outputs implements DistillModel {

  private final DistillModel model;

  public Float32Outputs(DistillModel model) {
    this.model = model;
  }

  /** {@code model} itself when its parameters are F32 (or it has none), else wrapped. */
  public static DistillModel of(DistillModel model) {
    Module m = model.module();
    boolean lowPrecision = m != null && m.parameters().stream().anyMatch(p -> p.dtype() == DType.BF16 || p.dtype() == DType.F16);
    return lowPrecision ? new Float32Outputs(model) : model;
  }

  @Override
  public Module module() {
    return model.module();
  }

  @Override
  public TransformerConfig config() {
    return model.config();
  }

  @Override
  public ModelOutput forward(Batch batch, TapRecorder taps) {
    return f32(model.forward(batch, taps));
  }

  @Override
  public Tensor embedTokens(Tensor ids) {
    return model.embedTokens(ids);
  }

  @Override
  public ModelOutput forwardEmbeddings(Batch batch, Tensor embeds, TapRecorder taps) {
    return f32(model.forwardEmbeddings(batch, embeds, taps));
  }

  @Override
  public List<? extends Module> blocks() {
    return model.blocks();
  }

  @Override
  public ModelOutput forwardWithBlocks(Batch batch, List<? extends Module> blocks, TapRecorder taps) {
    return f32(model.forwardWithBlocks(batch, blocks, taps));
  }

  private static ModelOutput f32(ModelOutput out) {
    if (out.taps() != null) out.taps().convertRecorded(Float32Outputs::f32);
    return new ModelOutput(f32(out.logits()), f32(out.lastHidden()), out.taps());
  }

  private static Tensor f32(Tensor t) {
    return t == null || !t.dtype().isFloating() ? t : t.to(DType.F32);
  }
}
