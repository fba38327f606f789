package jdistill.models.transformer;

import jdistill.engine.Tensor;

/**
 * What a model's forward pass returns: the head's logits, the last hidden state [B, S, H] and the
 * recorder holding the taps that were requested.
 */
public record ModelOutput(Tensor logits, Tensor lastHidden, TapRecorder taps) {}
