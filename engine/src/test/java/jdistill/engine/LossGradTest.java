package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;
import static jdistill.engine.TestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertNull;

import jdistill.engine.TestSupport.Layout;
import jdistill.engine.backend.SoftTargetLoss;
import jdistill.engine.ops.Losses;
import jdistill.engine.ops.Reduction;
import org.junit.jupiter.api.Test;

/** Gradient checks of the losses: fused cross-entropy and soft-target losses, MSE, cosine similarity. */
class LossGradTest {

  private static final long IGNORE = -100;

  @Test
  void crossEntropy() {
    Rng rng = new Rng(1);
    Tensor targets = Tensor.ofLongs(new long[] {1, 4, 0, 2, 3, 4}, 2, 3);
    Tensor withIgnored = Tensor.ofLongs(new long[] {1, IGNORE, 0, IGNORE, 3, 4}, 2, 3);
    Tensor intTargets = Tensor.ofInts(new int[] {1, 4, 0, 2, 3, 4}, 2, 3);
    for (Layout layout : Layout.values()) {
      Tensor logits = leaf(layout, (r, s) -> uniform(r, -3, 3, s), rng, 2, 3, 5);
      for (Reduction red : Reduction.values()) {
        for (double smoothing : new double[] {0.0, 0.1, 1.0}) {
          String label = "crossEntropy " + red + " smoothing " + smoothing + " " + layout;
          GradCheck.check(label, in -> F.crossEntropy(in[0], targets, IGNORE, smoothing, red), logits);
          GradCheck.check(label + " ignore", in -> F.crossEntropy(in[0], withIgnored, IGNORE, smoothing, red), logits);
        }
      }
      GradCheck.check("crossEntropy I32 targets " + layout, in -> F.crossEntropy(in[0], intTargets, IGNORE, 0.2, Reduction.MEAN), logits);
      GradCheck.check("crossEntropy default " + layout, in -> F.crossEntropy(in[0].reshape(6, 5), targets.reshape(6)), logits);
      GradCheck.check("crossEntropy of a computed input " + layout, in -> F.crossEntropy(in[0].mul(in[0]), targets, IGNORE, 0.1, Reduction.SUM), logits);
    }
  }

  @Test
  void softTargetLosses() {
    Rng rng = new Rng(2);
    Tensor mask = Tensor.ofLongs(new long[] {1, 0, 1, 1, 1, 0}, 2, 3);
    for (Layout layout : Layout.values()) {
      Tensor student = leaf(layout, (r, s) -> uniform(r, -3, 3, s), rng, 2, 3, 5);
      Tensor teacher = uniform(rng, -3, 3, 2, 3, 5);
      for (SoftTargetLoss kind : SoftTargetLoss.values()) {
        for (Reduction red : Reduction.values()) {
          for (double t : new double[] {1.0, 2.5, 0.5}) {
            String label = kind + " " + red + " T=" + t + " " + layout;
            GradCheck.check(label, in -> F.softTarget(kind, in[0], teacher, t, null, red), student);
            GradCheck.check(label + " masked", in -> F.softTarget(kind, in[0], teacher, t, mask, red), student);
          }
        }
      }
      GradCheck.check("klDiv " + layout, in -> F.klDiv(in[0], teacher, 2.0, mask), student);
      GradCheck.check("klDiv of a computed input " + layout, in -> F.klDiv(in[0].mul(in[0]), teacher, 2.0, null), student);
    }
  }

  @Test
  void teacherLogitsGetNoGradient() {
    Rng rng = new Rng(3);
    Tensor student = uniform(rng, -1, 1, 3, 4).requiresGrad(true);
    Tensor teacher = uniform(rng, -1, 1, 3, 4).requiresGrad(true);
    F.klDiv(student, teacher, 2.0, null).backward();
    assertNull(teacher.grad(), "the soft-target losses treat the teacher as a constant");
  }

  @Test
  void mseAndCosine() {
    Rng rng = new Rng(4);
    for (Layout layout : Layout.values()) {
      Tensor a = leaf(layout, rng, 3, 4);
      Tensor b = leaf(layout, rng, 3, 4);
      Tensor row = uniform(rng, -1, 1, 4);
      GradCheck.check("mse " + layout, in -> F.mse(in[0], in[1]), a, b);
      GradCheck.check("mse broadcast " + layout, in -> F.mse(in[0], in[1]), a, row);
      for (Reduction red : Reduction.values()) {
        GradCheck.check("mse " + red + " " + layout, in -> Losses.mse(in[0], in[1], red), a, b);
      }
      GradCheck.check("cosine dim -1 " + layout, in -> F.cosineSimilarity(in[0], in[1], -1), a, b);
      GradCheck.check("cosine dim 0 " + layout, in -> F.cosineSimilarity(in[0], in[1], 0), a, b);
      GradCheck.check("cosine broadcast " + layout, in -> F.cosineSimilarity(in[0], in[1], 1), a, row);
    }
  }
}
