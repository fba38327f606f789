package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.StepView;
import jdistill.distill.method.MethodSetup;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import jdistill.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class MixKdTest {

  private static MixKd create(Map<String, ?> options, MethodSetup setup) {
    return (MixKd) Fakes.create("mixkd", options, setup);
  }

  private static final MethodSetup SHAPES = Fakes.setup(Fakes.config(4, 8, 2), Fakes.config(2, 8, 2));

  @Test
  void lambdaFollowsBetaOfAlphaFromTheRunsGenerator() {
    for (double alpha : new double[] {0.4, 2.0}) {
      MixKd mix = create(Map.of("alpha", alpha), SHAPES);
      Rng rng = new Rng(5);
      int n = 4000;
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        mix.beginStep(i, n, rng);
        double l = mix.lambda();
        assertTrue(l >= 0 && l <= 1, "lambda " + l);
        sum += l;
        sq += l * l;
      }
      double mean = sum / n;
      double variance = sq / n - mean * mean;
      // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1))
      assertEquals(0.5, mean, 0.02, "alpha " + alpha);
      assertEquals(1 / (4 * (2 * alpha + 1)), variance, 0.01, "alpha " + alpha);
    }
    MixKd a = create(null, SHAPES);
    MixKd b = create(null, SHAPES);
    a.beginStep(0, 1, new Rng(9));
    b.beginStep(0, 1, new Rng(9));
    assertEquals(a.lambda(), b.lambda(), 0.0, "one seed, one draw");
  }

  @Test
  void pairingUnionMaskAndLabelRows() {
    int[] p = MixKd.pairing(7, 42);
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, sorted);
    int[] pair = {2, 0, 1};
    Tensor mask = Fakes.longs(new long[] {1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0}, 3, 4);
    assertArrayEquals(new long[] {1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, MixKd.unionMask(mask, pair).toLongArray());
    assertArrayEquals(new long[] {5, 6, 1, 2, 3, 4}, MixKd.permuteRows(Fakes.longs(new long[] {1, 2, 3, 4, 5, 6}, 3, 2), pair).toLongArray());
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, MixKd.permuteRows(Tensor.of(new float[] {1.5f, 2.5f, 0.5f}, 3), pair).toFloatArray());
  }

  /** lambda e[i] + (1 - lambda) e[p[i]] over rows of [b, s, w] values, written out. */
  private static double[] mixRows(double[] e, int[] p, double lambda, int b, int row) {
    double[] out = new double[e.length];
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < row; k++) out[i * row + k] = lambda * e[i * row + k] + (1 - lambda) * e[p[i] * row + k];
    }
    return out;
  }

  private static Tensor floats(double[] v, int... shape) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return Tensor.of(f, shape);
  }

  @Test
  void classifierLossesAgainstAnIndependentMixOfEmbeddings() {
    TransformerConfig tc = new TransformerConfig(20, 8, 2, 8, 2, 2, 16, 1e-12, jdistill.models.transformer.Activation.GELU_ERF, 0, 0);
    BertForSequenceClassification tm = new BertForSequenceClassification(tc, 3, new Rng(1));
    BertForSequenceClassification sm = new BertForSequenceClassification(tc.withSize(1, 4, 2, 8), 3, new Rng(2));
    tm.eval();
    DistillModel teacher = DistillModels.of(tm);
    DistillModel student = DistillModels.of(sm);
    MixKd mix = create(Map.of("weight_sm", 0.5, "weight_aug", 2.0), new MethodSetup(teacher, student, new Rng(3)));
    assertEquals(4.0, mix.temperature(), "the base kd's temperature");

    long[] labels = {2, 0, 1, 1};
    long[] mask = {1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1};
    Tensor ids = Fakes.longs(new long[] {0, 5, 7, 2, 0, 9, 4, 0, 0, 3, 0, 0, 0, 8, 8, 1}, 4, 4);
    Batch batch = new Batch(ids, Fakes.longs(mask, 4, 4), null, Fakes.longs(labels, 4));
    mix.beginStep(0, 10, new Rng(4));
    ModelOutput to;
    try (var g = GradMode.noGrad()) {
      to = teacher.forward(batch, new TapRecorder());
    }
    ModelOutput so = student.forward(batch, new TapRecorder());
    Map<String, Tensor> losses = mix.losses(new StepView(batch, to, so, 0, 10));
    assertEquals(List.of("soft", "hard", "mix_soft", "mix_hard"), List.copyOf(losses.keySet()));
    double lambda = mix.lambda();
    int[] p = mix.pairing();

    // the base kd on the originals
    double[] zs = Ref.d(so.logits());
    double[] zt = Ref.d(to.logits());
    double soft = 0;
    double hard = 0;
    for (int i = 0; i < 4; i++) {
      soft += Ref.klRow(zs, zt, i * 3, 3, 4.0, null) / 4;
      hard += Ref.ceRow(zs, i * 3, 3, (int) labels[i]) / 4;
    }
    assertEquals(0.5 * soft, losses.get("soft").item(), 1e-5);
    assertEquals(0.5 * hard, losses.get("hard").item(), 1e-5);

    // mixed inputs built by hand from each model's word embeddings
    long[] union = new long[16];
    for (int i = 0; i < 4; i++) for (int k = 0; k < 4; k++) union[i * 4 + k] = Math.max(mask[i * 4 + k], mask[p[i] * 4 + k]);
    Batch mixed = new Batch(ids, Fakes.longs(union, 4, 4), null, null);
    double[] mt;
    double[] ms;
    try (var g = GradMode.noGrad()) {
      mt = Ref.d(teacher.forwardEmbeddings(mixed, floats(mixRows(Ref.d(tm.bert().embedTokens(ids)), p, lambda, 4, 32), 4, 4, 8), new TapRecorder()).logits());
      ms = Ref.d(student.forwardEmbeddings(mixed, floats(mixRows(Ref.d(sm.bert().embedTokens(ids)), p, lambda, 4, 16), 4, 4, 4), new TapRecorder()).logits());
    }
    double mixSoft = 0;
    double ci = 0;
    double cj = 0;
    for (int i = 0; i < 4; i++) {
      mixSoft += Ref.klRow(ms, mt, i * 3, 3, 4.0, null) / 4;
      ci += Ref.ceRow(ms, i * 3, 3, (int) labels[i]) / 4;
      cj += Ref.ceRow(ms, i * 3, 3, (int) labels[p[i]]) / 4;
    }
    assertEquals(2.0 * mixSoft, losses.get("mix_soft").item(), 1e-4);
    assertEquals(0.5 * (lambda * ci + (1 - lambda) * cj), losses.get("mix_hard").item(), 1e-4);

    losses.get("mix_soft").backward();
    assertNotNull(sm.bert().wordEmbeddings().weight().grad(), "the mixed student forward trains the student's embeddings");
    for (Parameter q : tm.parameters()) assertNull(q.grad(), "teacher parameter " + q.name());
  }

  @Test
  void baseOnMixAppliesTheBaseToMixedLmPositionsOfEitherExample() {
    Gpt2 tm = new Gpt2(Fakes.config(2, 8, 2), new Rng(11));
    Gpt2 sm = new Gpt2(Fakes.config(1, 8, 2), new Rng(12));
    DistillModel teacher = DistillModels.of(tm);
    DistillModel student = DistillModels.of(sm);
    MixKd mix = create(Map.of("base_options", Map.of("alpha", 1.0, "temperature", 2.0), "base_on_mix", true, "weight_sm", 0, "weight_aug", 0.5),
        new MethodSetup(teacher, student, new Rng(13)));
    assertEquals(2.0, mix.temperature());
    long[] mask = {1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1};
    Tensor ids = Fakes.longs(new long[] {3, 4, 0, 0, 7, 8, 9, 0, 1, 2, 3, 4}, 3, 4);
    Batch batch = new Batch(ids, Fakes.longs(mask, 3, 4), null, null);
    mix.beginStep(2, 10, new Rng(14));
    ModelOutput to;
    try (var g = GradMode.noGrad()) {
      to = teacher.forward(batch, new TapRecorder());
    }
    Map<String, Tensor> losses = mix.losses(new StepView(batch, to, student.forward(batch, new TapRecorder()), 2, 10));
    assertEquals(List.of("soft", "mix_soft"), List.copyOf(losses.keySet()));
    double lambda = mix.lambda();
    int[] p = mix.pairing();
    long[] union = new long[12];
    for (int i = 0; i < 3; i++) for (int k = 0; k < 4; k++) union[i * 4 + k] = Math.max(mask[i * 4 + k], mask[p[i] * 4 + k]);
    Batch mixed = new Batch(ids, Fakes.longs(union, 3, 4), null, null);
    double[] mt;
    double[] ms;
    try (var g = GradMode.noGrad()) {
      mt = Ref.d(teacher.forwardEmbeddings(mixed, floats(mixRows(Ref.d(tm.embedTokens(ids)), p, lambda, 3, 32), 3, 4, 8), new TapRecorder()).logits());
      ms = Ref.d(student.forwardEmbeddings(mixed, floats(mixRows(Ref.d(sm.embedTokens(ids)), p, lambda, 3, 32), 3, 4, 8), new TapRecorder()).logits());
    }
    double sum = 0;
    int n = 0;
    for (int r = 0; r < 12; r++) {
      if (union[r] == 0) continue;
      sum += Ref.klRow(ms, mt, r * 50, 50, 2.0, null);
      n++;
    }
    assertEquals(0.5 * sum / n, losses.get("mix_soft").item(), 1e-4);

    MixKd needsLabels = create(Map.of("base_on_mix", true, "weight_sm", 0), new MethodSetup(teacher, student, new Rng(13)));
    Batch labelled = new Batch(ids, Fakes.longs(mask, 3, 4), null, Fakes.longs(new long[] {4, -100, -100, -100, 8, 9, -100, -100, 2, 3, 4, -100}, 3, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> needsLabels.losses(new StepView(labelled, to, student.forward(labelled, new TapRecorder()), 0, 10)));
    assertTrue(e.getMessage().contains("no labels") && e.getMessage().contains("'kd'"), e.getMessage());
  }

  @Test
  void optionsAndErrors() {
    assertEquals(3.0, create(Map.of("base_options", Map.of("temperature", 2.0), "temperature", 3.0), SHAPES).temperature());
    assertEquals(4.0, create(Map.of("base", "annealing_kd"), SHAPES).temperature(), "a base without a temperature");
    assertEquals(SoftLoss.SOFT_CE, create(Map.of("base_options", Map.of("loss", "soft_ce")), SHAPES).softLoss());
    assertEquals("pkd", create(Map.of("base", "pkd"), SHAPES).base().name());
    IllegalArgumentException self = assertThrows(IllegalArgumentException.class, () -> create(Map.of("base", "mixkd"), SHAPES));
    assertTrue(self.getMessage().contains("cannot wrap itself"), self.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> create(Map.of("base", "nope"), SHAPES));
    assertTrue(unknown.getMessage().contains("valid methods") && unknown.getMessage().contains("kd"), unknown.getMessage());
    IllegalArgumentException badOption = assertThrows(IllegalArgumentException.class, () -> create(Map.of("base_options", Map.of("temp", 2)), SHAPES));
    assertTrue(badOption.getMessage().contains("'temp'") && badOption.getMessage().contains("base 'kd'"), badOption.getMessage());
    assertThrows(IllegalArgumentException.class, () -> create(Map.of("base_options", "temperature=2"), SHAPES));
    assertThrows(IllegalArgumentException.class, () -> create(Map.of("alpha", 0), SHAPES));
    UnsupportedOperationException hook = assertThrows(UnsupportedOperationException.class, () -> SHAPES.teacher().embedTokens(Fakes.longs(new long[] {1}, 1, 1)));
    assertTrue(hook.getMessage().contains("mixkd"), hook.getMessage());
  }
}
