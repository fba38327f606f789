package jdistill.models.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import jdistill.engine.Rng;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  static Gpt2 model() {
    Gpt2 m = new Gpt2(new TransformerConfig(30, 32, 0, 16, 2, 2, 32, 1e-5, Activation.GELU_TANH, 0.1, 0.1), new Rng(1));
    jdistill.models.transformer.ModelGradCheck.randomize(m, new Rng(2), 0.5);
    return m;
  }

  static void sameLogits(Generator.Result a, Generator.Result b) {
    assertEquals(a.stepLogits().size(), b.stepLogits().size());
    for (int s = 0; s < a.stepLogits().size(); s++) {
      float[] x = a.stepLogits().get(s).toFloatArray();
      float[] y = b.stepLogits().get(s).toFloatArray();
      for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-5 * Math.max(1, Math.abs(x[i])), "step " + s + " element " + i);
    }
  }

  @Test
  void cachedGenerationMatchesRecomputationWithLeftPadding() {
    Gpt2 m = model();
    List<long[]> prompts = List.of(new long[] {3, 7, 1, 9, 4}, new long[] {12, 5}, new long[] {8});
    GenerationConfig cfg = GenerationConfig.greedy(8);
    Generator.Result cached = new Generator(m, true).generate(prompts, cfg);
    Generator.Result full = new Generator(m, false).generate(prompts, cfg);
    for (int i = 0; i < 3; i++) assertArrayEquals(full.tokens().get(i), cached.tokens().get(i));
    sameLogits(full, cached);
    // a left-padded row generates what it generates alone
    Generator.Result alone = new Generator(m, true).generate(List.of(new long[] {12, 5}), cfg);
    assertArrayEquals(alone.tokens().get(0), cached.tokens().get(1));
  }

  @Test
  void seededSamplingIsReproducibleAndCacheIndependent() {
    Gpt2 m = model();
    GenerationConfig cfg = new GenerationConfig(10, 0.9, 10, 0.9, 1.3, Set.of(), 0, 42);
    List<long[]> prompts = List.of(new long[] {3, 7, 1}, new long[] {2});
    Generator.Result a = new Generator(m, true).generate(prompts, cfg);
    Generator.Result b = new Generator(m, false).generate(prompts, cfg);
    for (int i = 0; i < 2; i++) assertArrayEquals(a.tokens().get(i), b.tokens().get(i));
    sameLogits(a, b);
  }

  @Test
  void stopTokenEndsARow() {
    Gpt2 m = model();
    long[] greedy = new Generator(m).generate(List.<long[]>of(new long[] {3, 7}), GenerationConfig.greedy(6)).tokens().get(0);
    long stop = greedy[2];
    GenerationConfig cfg = new GenerationConfig(6, 0, 0, 1, 1, Set.of(stop), 0, 0);
    long[] stopped = new Generator(m).generate(List.<long[]>of(new long[] {3, 7}), cfg).tokens().get(0);
    int first = 0;
    while (greedy[first] != stop) first++;
    assertEquals(first + 1, stopped.length);
    assertEquals(stop, stopped[stopped.length - 1]);
    assertTrue(m.isTraining(), "the model's mode is restored");
  }

  @Test
  void topKOneIsGreedy() {
    Gpt2 m = model();
    List<long[]> prompts = List.<long[]>of(new long[] {4, 4, 2});
    long[] greedy = new Generator(m).generate(prompts, GenerationConfig.greedy(6)).tokens().get(0);
    long[] k1 = new Generator(m).generate(prompts, new GenerationConfig(6, 1.5, 1, 1, 1, Set.of(), 0, 7)).tokens().get(0);
    assertArrayEquals(greedy, k1);
  }
}
