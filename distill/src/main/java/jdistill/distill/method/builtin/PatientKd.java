package jdistill.distill.method.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.Batch;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.Tap;

/**
 * {@code pkd}: Patient Knowledge Distillation (Sun et al. 2019),
 * {@code (1 - a) L_hard + a L_soft + b * MSE(norm(CLS_s,i), norm(CLS_t,map(i)))}.
 *
 * <p>The patient term matches the [CLS] vector (position 0; or the mean over tokens with {@code
 * pool: mean}, better suited to causal LMs) of every student layer but the last, L2-normalised,
 * to the teacher layer chosen by PKD-Skip (12 -> 6: teacher layers 2, 4, 6, 8, 10 counted from 1),
 * PKD-Last, or an explicit list. The MSE is the mean over examples, mapped layers and width, as in
 * the reference code (hence the large {@code b = 100}). {@code L_soft} is {@code T^2 KL} with
 * {@code T = 10}, averaged over examples. Teacher and student widths are normally equal (PKD
 * initialises the student from the teacher's first layers); when they differ a trainable
 * projection of the student's vectors is added to {@link #extras()}.
 */
public final class PatientKd implements Method {

  /** The registered name. */
  public static final String NAME = "pkd";

  private final double alpha;
  private final double beta;
  private final double temperature;
  private final boolean meanPool;
  private final int[] teacherLayers;
  private final Projections extras;
  private final Linear projection;

  /**
   * @param teacherLayers teacher layer (0-based) for student layers 0.. in order
   * @param projection student width to teacher width, or null when the widths are equal
   */
  PatientKd(double alpha, double beta, double temperature, boolean meanPool, int[] teacherLayers, Projections extras, Linear projection) {
    this.alpha = alpha;
    this.beta = beta;
    this.temperature = temperature;
    this.meanPool = meanPool;
    this.teacherLayers = teacherLayers.clone();
    this.extras = extras;
    this.projection = projection;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The teacher layer of each mapped student layer (student layers 0..n-1). */
  public int[] teacherLayers() {
    return teacherLayers.clone();
  }

  @Override
  public List<TapRequest> taps() {
    List<TapRequest> out = new ArrayList<>();
    if (beta == 0) return out;
    for (int i = 0; i < teacherLayers.length; i++) {
      out.add(TapRequest.student(Tap.LAYER_OUTPUT, i));
      out.add(TapRequest.teacher(Tap.LAYER_OUTPUT, teacherLayers[i]));
    }
    return out;
  }

  @Override
  public Module extras() {
    return extras;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Tensor s = step.student().logits();
    if (alpha < 1) out.put("hard", KdLosses.hard(s, step.batch().labels(), 0.0, NAME).mul(1 - alpha));
    if (alpha > 0) {
      Tensor mask = KdLosses.positionMask(step.batch(), s, true);
      out.put("soft", KdLosses.soft(SoftLoss.KL, s, step.teacher().logits(), temperature, mask).mul(alpha));
    }
    if (beta > 0 && teacherLayers.length > 0) {
      Tensor sum = null;
      for (int i = 0; i < teacherLayers.length; i++) {
        Tensor hs = pool(step.student().taps().get(Tap.LAYER_OUTPUT, i), step.batch());
        Tensor ht = pool(step.teacher().taps().get(Tap.LAYER_OUTPUT, teacherLayers[i]).detach(), step.batch());
        if (projection != null) hs = projection.forward(hs);
        Tensor term = KdLosses.maskedMse(KdLosses.l2Normalize(hs), KdLosses.l2Normalize(ht), null);
        sum = sum == null ? term : sum.add(term);
      }
      out.put("patient", sum.mul(beta / teacherLayers.length));
    }
    return out;
  }

  /** [B, S, H] to [B, H]: position 0, or the mean over the tokens. */
  private Tensor pool(Tensor hidden, Batch batch) {
    return KdLosses.pool(hidden, batch, meanPool);
  }


  /** Creates {@link PatientKd} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "Patient KD: (1-a) hard + a T^2 KL + b MSE of normalised [CLS] vectors of mapped layers (PKD-Skip/Last)",
        List.of(
            new OptionSpec("alpha", "double", 0.5, "a: weight of the soft loss; the hard loss gets 1 - a"),
            new OptionSpec("beta", "double", 100.0, "b: weight of the patient (normalised [CLS] MSE) loss"),
            new OptionSpec("temperature", "double", 10.0, "softmax temperature of the soft loss"),
            new OptionSpec("strategy", "string", "skip", "layer map for student layers 0..Ls-2: skip (every Lt/Ls-th teacher layer) or last (the teacher's last layers)"),
            new OptionSpec("teacher_layers", "int-list", null, "explicit teacher layers (0-based) for student layers 0..Ls-2, overriding strategy"),
            new OptionSpec("pool", "string", "cls", "vector per layer: cls (position 0) or mean (mean over tokens)")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      String strategy = Choices.oneOf(o, NAME, "strategy", "skip", "last");
      boolean mean = Choices.oneOf(o, NAME, "pool", "cls", "mean").equals("mean");
      int ls = setup.student().layers();
      int lt = setup.teacher().layers();
      int[] map;
      if (o.has("teacher_layers")) map = LayerMap.explicit(o.getIntList("teacher_layers"), ls - 1, lt, "method 'pkd', option 'teacher_layers'");
      else map = strategy.equals("skip") ? LayerMap.skip(ls, lt) : LayerMap.last(ls, lt);
      Projections extras = null;
      Linear projection = null;
      int hs = setup.student().hidden();
      int ht = setup.teacher().hidden();
      if (hs != ht) {
        extras = new Projections();
        projection = extras.add("pkd_proj", hs, ht, setup.rng(), setup.student());
      }
      return new PatientKd(Choices.fraction(o, NAME, "alpha"), Choices.weight(o, NAME, "beta"), Choices.positive(o, NAME, "temperature"), mean, map, extras, projection);
    }
  }
}
