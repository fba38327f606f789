package jdistill.bench.step;

import jdistill.engine.DType;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.backend.Backends;
import jdistill.engine.ops.Reduction;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.ParamGroup;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/**
 * One GPT-2 distillation training step, as the benchmark times it: the teacher's forward pass
 * under no-grad, the student's forward and backward, loss = soft KL at T = 2 over every position
 * plus the causal-LM cross-entropy on shifted labels, and an AdamW step (F32 master weights for
 * BF16 parameters). Both models are random GPT-2s (no dropout, 4W feed-forward, as many positions
 * as the sequence) in the configured dtype on the configured device; the token ids are random and
 * uploaded once, with the shifted targets, before any step.
 */
public final class DistillStep {

  /** Temperature of the soft-label term. */
  public static final double TEMPERATURE = 2.0;

  private final StepConfig config;
  private final Gpt2 teacher;
  private final Gpt2 student;
  private final AdamW optimizer;
  private final Tensor ids;
  private final Tensor targets;

  /** Builds both models and the batch on {@code config.device()}. */
  public DistillStep(StepConfig config, long seed) {
    this.config = config;
    Rng rng = new Rng(seed);
    teacher = build(config, config.teacher(), rng);
    student = build(config, config.student(), rng);
    teacher.eval();
    student.train();
    optimizer = new AdamW(ParamGroup.decayMatricesOnly(student, 0.01), AdamW.Config.of(1e-4));
    int b = config.batch();
    int s = config.seq();
    long[] idv = new long[b * s];
    for (int i = 0; i < idv.length; i++) idv[i] = rng.nextInt(config.vocab());
    long[] tv = new long[b * (s - 1)];
    for (int i = 0; i < b; i++) for (int j = 0; j < s - 1; j++) tv[i * (s - 1) + j] = idv[i * s + j + 1];
    ids = Scope.detached(() -> Tensor.ofLongs(idv, b, s).to(config.device()));
    targets = Scope.detached(() -> Tensor.ofLongs(tv, b * (s - 1)).to(config.device()));
  }

  private static Gpt2 build(StepConfig c, ModelShape m, Rng rng) {
    TransformerConfig tc = new TransformerConfig(c.vocab(), c.seq(), 0, m.width(), m.layers(), m.width() / c.headDim(),
        4 * m.width(), 1e-5, Activation.GELU_TANH, 0.0, 0.0);
    Gpt2 g = new Gpt2(tc, rng);
    g.to(c.device());
    if (c.dtype() != DType.F32) g.to(c.dtype());
    return g;
  }

  public Gpt2 teacher() {
    return teacher;
  }

  public Gpt2 student() {
    return student;
  }

  /** The random token ids [B, S] on the device. */
  public Tensor ids() {
    return ids;
  }

  /**
   * The loss of the student against the teacher on the batch, without stepping: {@code
   * klDiv(student, teacher, T) + crossEntropy(shifted)}; a graph to the student's parameters when
   * grad mode is on. Call inside a scope.
   */
  public Tensor loss() {
    int b = config.batch();
    int s = config.seq();
    int v = config.vocab();
    Tensor teacherLogits;
    try (var g = GradMode.noGrad()) {
      teacherLogits = teacher.forward(ids);
    }
    Tensor studentLogits = student.forward(ids);
    Tensor kd = F.klDiv(studentLogits.reshape(b * s, v), teacherLogits.reshape(b * s, v), TEMPERATURE, null);
    Tensor shifted = studentLogits.narrow(1, 0, s - 1).contiguous().reshape(b * (s - 1), v);
    Tensor ce = F.crossEntropy(shifted, targets, Long.MIN_VALUE, 0.0, Reduction.MEAN);
    return kd.add(ce);
  }

  /**
   * One training step in its own scope, ending with the device synchronised; returns the loss
   * (read after the synchronisation, so reading it costs no extra wait).
   */
  public double step() {
    Tensor loss;
    try (Scope scope = Scope.open()) {
      loss = loss();
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad();
      Backends.get(config.device()).synchronize();
      return loss.item();
    }
  }
}
