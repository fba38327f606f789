package jdistill.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertLayer;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.gpt2.Gpt2Block;
import org.junit.jupiter.api.Test;

/**
 * The forward hooks distillation methods use: from token embeddings instead of ids (MixKD) and
 * with another model's blocks swapped in (BERT-of-Theseus). Each must equal a plain forward of an
 * equivalent model: the same ids, or a model assembled from the same weights by state dict.
 */
class ForwardHooksTest {

  static final TransformerConfig GPT = new TransformerConfig(20, 8, 0, 8, 2, 2, 16, 1e-5, Activation.GELU_TANH, 0, 0);
  static final TransformerConfig BERT = new TransformerConfig(20, 8, 2, 8, 2, 2, 16, 1e-12, Activation.GELU_ERF, 0, 0);

  private static final Tensor IDS = Tensor.ofLongs(new long[] {1, 5, 7, 2, 3, 9, 4, 0}, 2, 4);
  private static final Tensor MASK = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4);
  private static final Tensor TYPES = Tensor.ofLongs(new long[] {0, 0, 1, 1, 0, 1, 1, 1}, 2, 4);

  private static void close(Tensor expected, Tensor actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape());
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) assertTrue(Math.abs(e[i] - a[i]) <= tol, "entry " + i + ": expected " + e[i] + ", got " + a[i]);
  }

  /** Loads {@code target}: its block i ("prefix.i.") from block {@code sourceIndex.get(i)} of {@code sources.get(i)}, everything else from {@code rest}. */
  private static void assemble(Module target, Module rest, String prefix, List<Module> sources, List<Integer> sourceIndex) {
    Map<String, Tensor> state = new LinkedHashMap<>();
    Map<String, Tensor> restState = rest.stateDict();
    for (String name : target.stateDict().keySet()) {
      if (!name.startsWith(prefix)) {
        state.put(name, restState.get(name));
        continue;
      }
      String tail = name.substring(prefix.length());
      int i = Integer.parseInt(tail.substring(0, tail.indexOf('.')));
      String source = prefix + sourceIndex.get(i) + tail.substring(tail.indexOf('.'));
      state.put(name, sources.get(i).stateDict().get(source));
    }
    try (var g = GradMode.noGrad()) {
      target.loadStateDict(state, true);
    }
  }

  @Test
  void gpt2FromEmbeddingsAndWithSwappedBlocks() {
    Gpt2 a = new Gpt2(GPT, new Rng(1));
    Gpt2 b = new Gpt2(GPT, new Rng(2));
    a.eval();
    try (var g = GradMode.noGrad()) {
      Tensor plain = a.forward(IDS, MASK, null, null, TapRecorder.none());
      close(plain, a.forwardEmbeds(a.embedTokens(IDS), MASK, null, null, TapRecorder.none()), 0);
      close(plain, a.forwardWithBlocks(IDS, MASK, a.blocks().asList(), TapRecorder.none()), 0);
      // b's block 0, a's block 1, b's block 1 between a's embeddings and head
      List<Gpt2Block> mixed = List.of(b.blocks().get(0), a.blocks().get(1), b.blocks().get(1));
      Gpt2 c = new Gpt2(GPT.withLayers(3), new Rng(3));
      assemble(c, a, "transformer.h.", List.of(b, a, b), List.of(0, 1, 1));
      c.eval();
      TapRecorder taps = new TapRecorder().request(Tap.LAYER_OUTPUT, 2);
      close(c.forward(IDS, MASK, null, null, TapRecorder.none()), a.forwardWithBlocks(IDS, MASK, mixed, taps), 1e-6);
      assertTrue(taps.has(Tap.LAYER_OUTPUT, 2), "taps are recorded under the blocks' positions");
    }
    Gpt2 wide = new Gpt2(GPT.withSize(2, 16, 2, 32), new Rng(4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.forwardWithBlocks(IDS, MASK, List.of(wide.blocks().get(0)), TapRecorder.none()));
    assertTrue(e.getMessage().contains("width 16") && e.getMessage().contains("width 8"), e.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> a.forwardEmbeds(Tensor.zeros(2, 4, 16), MASK, null, null, TapRecorder.none()));
    assertTrue(shape.getMessage().contains("[batch, seq, 8]"), shape.getMessage());
  }

  @Test
  void bertHeadsFromEmbeddingsAndWithSwappedLayers() {
    BertForSequenceClassification a = new BertForSequenceClassification(BERT, 3, new Rng(5));
    BertForSequenceClassification b = new BertForSequenceClassification(BERT, 3, new Rng(6));
    a.eval();
    try (var g = GradMode.noGrad()) {
      Tensor plain = a.forward(IDS, MASK, TYPES, TapRecorder.none()).logits();
      close(plain, a.forwardEmbeds(a.bert().embedTokens(IDS), MASK, TYPES, TapRecorder.none()).logits(), 0);
      close(plain, a.forwardWithLayers(IDS, MASK, TYPES, a.bert().layers().asList(), TapRecorder.none()).logits(), 0);
      List<BertLayer> mixed = List.of(a.bert().layers().get(0), b.bert().layers().get(0), b.bert().layers().get(1));
      BertForSequenceClassification c = new BertForSequenceClassification(BERT.withLayers(3), 3, new Rng(7));
      assemble(c, a, "bert.encoder.layer.", List.of(a, b, b), List.of(0, 0, 1));
      c.eval();
      close(c.forward(IDS, MASK, TYPES, TapRecorder.none()).logits(), a.forwardWithLayers(IDS, MASK, TYPES, mixed, TapRecorder.none()).logits(), 1e-6);

      BertForMaskedLm m = new BertForMaskedLm(BERT, new Rng(8));
      m.eval();
      close(m.forward(IDS, MASK, TYPES, TapRecorder.none()).logits(), m.forwardEmbeds(m.bert().embedTokens(IDS), MASK, TYPES, TapRecorder.none()).logits(), 0);
    }
  }
}
