package jdistill.distill.core;

import jdistill.engine.nn.Module;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;

/**
 * A teacher or student as the trainer sees it: one forward over a {@link Batch} that returns
 * logits, the last hidden state and the requested taps, whatever the architecture and head.
 */
public interface DistillModel {

  /** The trainable module (parameters, train/eval, state dict). */
  Module module();

  /** The transformer's shape (layers, width, heads, vocabulary). */
  TransformerConfig config();

  /** Forward pass recording the taps {@code taps} asks for. */
  ModelOutput forward(Batch batch, TapRecorder taps);

  /** Number of transformer layers. */
  default int layers() {
    return config().layers();
  }

  /** Hidden width. */
  default int hidden() {
    return config().hidden();
  }
}
