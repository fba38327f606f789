package jdistill.distill.method.builtin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.Side;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;
import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * {@code mixkd}: MixKD (Liang et al. 2021), mixup at the word-embedding level as an augmentation
 * wrapped around another method (the {@code base}, default {@code kd}).
 *
 * <p>Each step draws {@code lambda ~ Beta(alpha, alpha)} (default alpha = 0.4) and a random pairing
 * of the batch (a permutation j of its rows). Teacher and student each embed the tokens with their
 * own word embeddings and mix them with the same lambda and pairing, {@code e_mix = lambda e_i + (1 -
 * lambda) e_j}; positions (and, for BERT, example i's token types) are added by the model as usual,
 * and the attention mask is the union of the two examples' masks (the batch is already padded to
 * one length). The teacher runs on the mixed embeddings without gradients, the student with them.
 * The loss is
 *
 * <pre>
 *   base(originals)                                              the wrapped method, unchanged
 * + weight_aug * L_soft(z_s(mix), z_t(mix))                       the student matches the teacher on mixed inputs
 * + weight_sm  * [lambda CE(z_s(mix), y_i) + (1 - lambda) CE(z_s(mix), y_j)]   student mixup loss
 * </pre>
 *
 * With the default base {@code kd} this is the paper's {@code L_hard(orig) + a_kd L_soft(orig) + a_tmkd
 * L_soft(mix) + a_sm L_SM}. The soft loss on mixed inputs uses {@code temperature} and {@code loss},
 * by default those of the base (its options or defaults) when it has them, else T = 4 and KL; for
 * LM logits it is averaged over the union's tokens. The mixup CE is the base-independent hard-label
 * loss (MSE for regression; token labels of -100 are skipped) and needs labels: set {@code
 * weight_sm: 0} for label-free runs. With {@code base_on_mix: true} the base method's own losses
 * (intermediate terms included, its taps recorded on the mixed forwards) are applied to the mixed
 * view at {@code weight_aug} instead of the plain soft loss; the mixed batch has no labels, so the
 * base must then be label-free (e.g. {@code kd} with alpha 1). Exact weights and alpha were not in
 * the available text: alpha 0.4 and unit weights, all configurable; the paper's optional
 * back-translation augmentation is not part of this method.
 */
public final class MixKd implements Method {

  /** The registered name. */
  public static final String NAME = "mixkd";

  private final Method base;
  private final DistillModel teacher;
  private final DistillModel student;
  private final double alpha;
  private final double weightAug;
  private final double weightSm;
  private final double temperature;
  private final SoftLoss loss;
  private final boolean baseOnMix;
  private final Rng fallback;
  private double lambda = Double.NaN;
  private long pairingSeed;
  private long drawnStep = Long.MIN_VALUE;
  private int[] lastPairing;

  MixKd(Method base, DistillModel teacher, DistillModel student, double alpha, double weightAug, double weightSm, double temperature, SoftLoss loss, boolean baseOnMix, Rng fallback) {
    this.base = base;
    this.teacher = teacher;
    this.student = student;
    this.alpha = alpha;
    this.weightAug = weightAug;
    this.weightSm = weightSm;
    this.temperature = temperature;
    this.loss = loss;
    this.baseOnMix = baseOnMix;
    this.fallback = fallback;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The wrapped method. */
  public Method base() {
    return base;
  }

  /** The soft loss and temperature used on the mixed inputs. */
  public SoftLoss softLoss() {
    return loss;
  }

  public double temperature() {
    return temperature;
  }

  /** The current step's mixing weight lambda (NaN before the first draw). */
  public double lambda() {
    return lambda;
  }

  /** The last step's pairing: row i was mixed with row {@code pairing()[i]} (null before the first step). */
  public int[] pairing() {
    return lastPairing == null ? null : lastPairing.clone();
  }

  @Override
  public List<TapRequest> taps() {
    return base.taps();
  }

  @Override
  public Module extras() {
    return base.extras();
  }

  @Override
  public boolean needsTeacher() {
    return true;
  }

  @Override
  public void beginStep(long step, long totalSteps, Rng rng) {
    base.beginStep(step, totalSteps, rng);
    draw(step, rng);
  }

  /** Draws lambda from Beta(alpha, alpha) and the seed of the pairing, from {@code rng}. */
  private void draw(long step, Rng rng) {
    lambda = new BetaDistribution(new RngRandomGenerator(rng), alpha, alpha).sample();
    pairingSeed = rng.nextLong();
    drawnStep = step;
  }

  /** A uniformly random permutation of {@code n} rows from the step's pairing seed. */
  static int[] pairing(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    new Rng(seed).shuffle(p);
    return p;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    if (drawnStep != step.step()) draw(step.step(), fallback);
    Map<String, Tensor> out = new LinkedHashMap<>(base.losses(step));
    if (weightAug == 0 && weightSm == 0) return out;
    Batch batch = step.batch();
    int[] pairing = pairing(batch.size(), pairingSeed);
    lastPairing = pairing;
    Batch mixed = new Batch(batch.inputIds(), unionMask(batch.attentionMask(), pairing), batch.tokenTypeIds(), null);
    TapRecorder teacherTaps = new TapRecorder();
    TapRecorder studentTaps = new TapRecorder();
    if (baseOnMix) {
      for (TapRequest r : base.taps()) (r.side() == Side.TEACHER ? teacherTaps : studentTaps).request(r.tap(), r.layer());
    }
    ModelOutput t;
    try (var g = GradMode.noGrad()) {
      t = teacher.forwardEmbeddings(mixed, mix(teacher.embedTokens(batch.inputIds()), pairing, lambda), teacherTaps);
    }
    ModelOutput s = student.forwardEmbeddings(mixed, mix(student.embedTokens(batch.inputIds()), pairing, lambda), studentTaps);
    if (weightAug > 0) {
      if (baseOnMix) {
        Map<String, Tensor> onMix;
        try {
          onMix = base.losses(new StepView(mixed, t, s, step.step(), step.totalSteps()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("method 'mixkd' with base_on_mix: the base method '" + base.name() + "' failed on the mixed examples, which have no labels: " + e.getMessage(), e);
        }
        for (var e : onMix.entrySet()) out.put("mix_" + e.getKey(), e.getValue().mul(weightAug));
      } else {
        if (s.logits() == null || t.logits() == null) throw new IllegalArgumentException("method 'mixkd': the soft loss on mixed inputs needs logits, but the " + (s.logits() == null ? "student" : "teacher") + " has no head");
        Tensor mask = KdLosses.positionMask(mixed, s.logits(), false);
        out.put("mix_soft", KdLosses.soft(loss, s.logits(), t.logits(), temperature, mask).mul(weightAug));
      }
    }
    if (weightSm > 0) {
      Tensor yi = batch.labels();
      if (yi == null) {
        throw new IllegalArgumentException("method 'mixkd' needs labels for its student mixup loss (weight_sm), but the batch has none; give the data labels or set weight_sm: 0");
      }
      Tensor ci = KdLosses.hard(s.logits(), yi, 0.0, NAME);
      Tensor cj = KdLosses.hard(s.logits(), permuteRows(yi, pairing), 0.0, NAME);
      out.put("mix_hard", ci.mul(lambda).add(cj.mul(1 - lambda)).mul(weightSm));
    }
    return out;
  }

  /** {@code lambda e + (1 - lambda) e[pairing]} over the batch rows of embeddings [B, S, H]. */
  static Tensor mix(Tensor embeds, int[] pairing, double lambda) {
    return embeds.mul(lambda).add(F.indexSelect(embeds, index(pairing, embeds)).mul(1 - lambda));
  }

  private static Tensor index(int[] pairing, Tensor like) {
    long[] idx = new long[pairing.length];
    for (int i = 0; i < idx.length; i++) idx[i] = pairing[i];
    return Tensor.ofLongs(idx, idx.length).to(like.device());
  }

  /** The elementwise maximum of mask row i and mask row pairing[i] (null stays null). */
  static Tensor unionMask(Tensor mask, int[] pairing) {
    if (mask == null) return null;
    long[] m = mask.toLongArray();
    int rows = mask.shape(0);
    int len = (int) (mask.numel() / rows);
    long[] u = new long[m.length];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < len; k++) u[i * len + k] = Math.max(m[i * len + k], m[pairing[i] * len + k]);
    }
    return Tensor.ofLongs(u, mask.shape()).to(mask.device());
  }

  /** Row i of the result is row pairing[i] of {@code t} (labels [B] or [B, S], integer or float). */
  static Tensor permuteRows(Tensor t, int[] pairing) {
    if (t.dtype().isFloating()) return F.indexSelect(t.detach(), index(pairing, t));
    long[] v = t.toLongArray();
    int rows = t.shape(0);
    int len = (int) (t.numel() / rows);
    long[] p = new long[v.length];
    for (int i = 0; i < rows; i++) System.arraycopy(v, pairing[i] * len, p, i * len, len);
    return Tensor.ofLongs(p, t.shape()).to(t.device());
  }

  /** Creates {@link MixKd} (and its base method) from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME,
        "MixKD: a base method (default kd) plus the student matching the teacher on word-embedding mixup lambda e_i + (1-lambda) e_j, lambda ~ Beta(a, a), and a mixup hard loss",
        List.of(
            new OptionSpec("base", "string", HintonKd.NAME, "the wrapped method, applied to the original examples as usual"),
            new OptionSpec("base_options", "map", null, "options of the base method"),
            new OptionSpec("alpha", "double", 0.4, "a: lambda is drawn from Beta(a, a) each step"),
            new OptionSpec("weight_aug", "double", 1.0, "weight of the soft loss between student and teacher on the mixed examples"),
            new OptionSpec("weight_sm", "double", 1.0, "weight of the student mixup loss lambda CE(y_i) + (1-lambda) CE(y_j) (0: no labels needed)"),
            new OptionSpec("temperature", "double", null, "temperature of the soft loss on mixed examples; default: the base's temperature, else 4"),
            new OptionSpec("loss", "string", null, "soft loss on mixed examples (kl, soft_ce, logit_mse); default: the base's, else kl"),
            new OptionSpec("base_on_mix", "bool", false, "apply the base method's own losses to the mixed examples instead of the plain soft loss (the base must then need no labels)")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      String baseName = o.getString("base");
      if (baseName == null || baseName.isBlank()) throw new IllegalArgumentException("method 'mixkd', option 'base': name the wrapped method, e.g. kd");
      baseName = baseName.trim();
      if (baseName.equals(NAME)) throw new IllegalArgumentException("method 'mixkd', option 'base': mixkd cannot wrap itself; name another method, e.g. kd");
      Object raw = o.asMap().get("base_options");
      if (raw != null && !(raw instanceof Map<?, ?>)) throw new IllegalArgumentException("method 'mixkd', option 'base_options': expected a map of the base method's options, got " + raw);
      Map<String, Object> baseRaw = new LinkedHashMap<>();
      if (raw instanceof Map<?, ?> m) for (var e : m.entrySet()) baseRaw.put(String.valueOf(e.getKey()), e.getValue());
      MethodFactory baseFactory;
      MethodOptions baseOptions;
      try {
        baseFactory = MethodRegistry.get(baseName);
        baseOptions = MethodOptions.of(baseFactory.info(), baseRaw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("method 'mixkd', base '" + baseName + "': " + e.getMessage(), e);
      }
      if (setup.teacher() == null) throw new IllegalArgumentException("method 'mixkd' runs the teacher on mixed inputs, but the run has no teacher");
      Method base = baseFactory.create(baseOptions, setup);
      double alpha = Choices.positive(o, NAME, "alpha");
      double temperature = o.has("temperature") ? Choices.positive(o, NAME, "temperature") : hasOption(baseFactory, "temperature") && baseOptions.has("temperature") ? baseOptions.getDouble("temperature") : 4.0;
      String lossName = o.has("loss") ? o.getString("loss") : hasOption(baseFactory, "loss") && baseOptions.has("loss") ? baseOptions.getString("loss") : SoftLoss.KL.configName();
      SoftLoss loss = SoftLoss.parse(lossName, "method 'mixkd', option 'loss'");
      Rng rng = setup.rng() != null ? setup.rng() : new Rng(0);
      return new MixKd(base, setup.teacher(), setup.student(), alpha, Choices.weight(o, NAME, "weight_aug"), Choices.weight(o, NAME, "weight_sm"), temperature, loss, o.getBool("base_on_mix"),
          new Rng(rng.nextLong()));
    }

    private static boolean hasOption(MethodFactory f, String name) {
      for (OptionSpec s : f.info().options()) if (s.name().equals(name)) return true;
      return false;
    }
  }
}
