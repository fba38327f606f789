package jdistill.distill.core;

import java.util.List;
import jdistill.engine.Tensor;
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

  /**
   * The token (word) embeddings [B, S, H] of ids [B, S], before positions, token types or
   * normalisation: the input {@link #forwardEmbeddings} takes (MixKD mixes them between examples).
   */
  default Tensor embedTokens(Tensor ids) {
    throw new UnsupportedOperationException(describe() + " cannot embed tokens separately; a method that mixes input embeddings (mixkd) needs a GPT-2 or BERT model");
  }

  /**
   * Forward pass from token embeddings [B, S, H] (see {@link #embedTokens}) in place of the batch's
   * ids; the batch still gives the attention mask and token types (HF's {@code inputs_embeds}).
   */
  default ModelOutput forwardEmbeddings(Batch batch, Tensor embeds, TapRecorder taps) {
    throw new UnsupportedOperationException(describe() + " cannot run from input embeddings; a method that mixes input embeddings (mixkd) needs a GPT-2 or BERT model");
  }

  /** The transformer blocks in order (GPT-2 blocks or BERT layers), for methods that rearrange them. */
  default List<? extends Module> blocks() {
    throw new UnsupportedOperationException(describe() + " does not expose its blocks; module replacement (theseus) needs a GPT-2 or BERT model");
  }

  /**
   * Forward pass with {@code blocks} run in place of this model's own, through this model's
   * embeddings and head; the blocks may belong to another model of the same family and width
   * (BERT-of-Theseus). Taps are recorded under the blocks' positions in the list.
   */
  default ModelOutput forwardWithBlocks(Batch batch, List<? extends Module> blocks, TapRecorder taps) {
    throw new UnsupportedOperationException(describe() + " cannot run with replaced blocks; module replacement (theseus) needs a GPT-2 or BERT model");
  }

  private String describe() {
    Module m = module();
    return m == null ? "this model" : "this model (" + m.getClass().getSimpleName() + ")";
  }
}
