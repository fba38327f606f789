package jdistill.distill.method.builtin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.mapping.LayerMap;
import jdistill.distill.mapping.LayerMapSpec;
import jdistill.distill.mapping.LayerMapper;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.models.transformer.Tap;

/**
 * {@code rail_kd}: RAndom Intermediate Layer KD (Haidar et al. 2022),
 * {@code L = l1 L_hard + l2 L_soft + l3 L_RAIL} with {@code l1 = l2 = l3 = 1/3} and {@code T = 10}
 * as in the reference code.
 *
 * <p>The layer map is re-drawn during training: {@code Ls - 1} teacher layers drawn uniformly
 * without replacement from the teacher's intermediate layers (all but the last), sorted, and paired
 * in order with the student's intermediate layers ({@link jdistill.distill.mapping.LayerMaps#random}).
 * The paper re-draws every epoch; since a method is not told where epochs end, the default re-draws
 * every step, and {@code layer_map: {strategy: random, every: steps, steps: N}} every N steps, or
 * {@code every: epoch} with {@code steps_per_epoch}. Any other layer map (e.g. {@code skip}) gives
 * the same loss on a fixed map.
 *
 * <p>Each mapped layer gives one vector per example, the mean over its non-padding tokens (or the
 * [CLS] vector with {@code pool: cls}). Variant {@code concat} (RAIL-KD_c): the student's vectors of
 * the mapped layers are concatenated, as are the teacher's, each concatenation is projected by its
 * own trainable linear map to {@code projection_dim} (128), L2-normalised, and {@code L_RAIL} is their
 * distance. Variant {@code layerwise} (RAIL-KD_l): per mapped pair j, both vectors are projected by
 * pair j's own maps and normalised, and {@code L_RAIL} is the mean of the pairs' distances. The
 * distance is the squared Euclidean distance averaged over examples ({@code squared}, the default),
 * or that divided by the width ({@code mse}), or one minus the cosine ({@code cosine}; for
 * normalised vectors half the squared distance). The projections (both sides) are the method's
 * extras, trained with the student and dropped at export; teacher states are detached.
 *
 * <p>{@code L_soft} is {@code T^2 KL(softmax(z_t/T) || softmax(z_s/T))} averaged over examples (and
 * over counted positions for LM logits); {@code L_hard} the task's hard-label loss. Set a weight to
 * 0 to drop its term ({@code weight_hard: 0} needs no labels).
 */
public final class RailKd implements Method {

  /** The registered name. */
  public static final String NAME = "rail_kd";

  /** How {@code L_RAIL} compares the projected, normalised vectors. */
  enum Distance {
    SQUARED, MSE, COSINE
  }

  private final LayerMapper mapper;
  private final boolean concat;
  private final boolean meanPool;
  private final Distance distance;
  private final double temperature;
  private final double weightHard;
  private final double weightSoft;
  private final double weightRail;
  private final int pairCount;
  private final Projections extras;
  private final List<Linear> studentProjections;
  private final List<Linear> teacherProjections;

  RailKd(LayerMapper mapper, boolean concat, boolean meanPool, Distance distance, double temperature, double weightHard, double weightSoft, double weightRail, Projections extras,
      List<Linear> studentProjections, List<Linear> teacherProjections) {
    this.mapper = mapper;
    this.concat = concat;
    this.meanPool = meanPool;
    this.distance = distance;
    this.temperature = temperature;
    this.weightHard = weightHard;
    this.weightSoft = weightSoft;
    this.weightRail = weightRail;
    this.pairCount = mapper.current().pairs().size();
    this.extras = extras;
    this.studentProjections = List.copyOf(studentProjections);
    this.teacherProjections = List.copyOf(teacherProjections);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The layer map in use now. */
  public LayerMap currentMap() {
    return mapper.current();
  }

  @Override
  public void beginStep(long step, long totalSteps, Rng rng) {
    if (mapper.beginStep(step, rng) && mapper.current().pairs().size() != pairCount) {
      throw new IllegalStateException("method 'rail_kd': the re-drawn layer map " + mapper.current() + " has " + mapper.current().pairs().size() + " pairs, the projections were built for " + pairCount);
    }
  }

  @Override
  public List<TapRequest> taps() {
    List<TapRequest> out = new ArrayList<>();
    if (weightRail == 0) return out;
    for (LayerMap.Pair p : mapper.current().pairs()) {
      out.add(TapRequest.student(Tap.LAYER_OUTPUT, p.student()));
      out.add(TapRequest.teacher(Tap.LAYER_OUTPUT, p.teacher()));
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
    if (weightHard > 0) out.put("hard", KdLosses.hard(s, step.batch().labels(), 0.0, NAME).mul(weightHard));
    if (weightSoft > 0) {
      Tensor mask = KdLosses.positionMask(step.batch(), s, true);
      out.put("soft", KdLosses.soft(SoftLoss.KL, s, step.teacher().logits(), temperature, mask).mul(weightSoft));
    }
    if (weightRail > 0 && pairCount > 0) out.put("rail", rail(step).mul(weightRail));
    return out;
  }

  private Tensor rail(StepView step) {
    List<LayerMap.Pair> pairs = mapper.current().pairs();
    List<Tensor> hs = new ArrayList<>();
    List<Tensor> ht = new ArrayList<>();
    for (LayerMap.Pair p : pairs) {
      hs.add(KdLosses.pool(step.student().taps().get(Tap.LAYER_OUTPUT, p.student()), step.batch(), meanPool));
      ht.add(KdLosses.pool(step.teacher().taps().get(Tap.LAYER_OUTPUT, p.teacher()).detach(), step.batch(), meanPool));
    }
    if (concat) {
      Tensor ps = KdLosses.l2Normalize(studentProjections.get(0).forward(F.cat(hs, -1)));
      Tensor pt = KdLosses.l2Normalize(teacherProjections.get(0).forward(F.cat(ht, -1)));
      return distance(ps, pt);
    }
    Tensor sum = null;
    for (int j = 0; j < pairs.size(); j++) {
      Tensor ps = KdLosses.l2Normalize(studentProjections.get(j).forward(hs.get(j)));
      Tensor pt = KdLosses.l2Normalize(teacherProjections.get(j).forward(ht.get(j)));
      Tensor d = distance(ps, pt);
      sum = sum == null ? d : sum.add(d);
    }
    return sum.mul(1.0 / pairs.size());
  }

  private Tensor distance(Tensor a, Tensor b) {
    return switch (distance) {
      case MSE -> KdLosses.maskedMse(a, b, null);
      case SQUARED -> KdLosses.maskedMse(a, b, null).mul(a.shape(-1));
      case COSINE -> KdLosses.cosineLoss(a, b, null);
    };
  }

  /** Creates {@link RailKd} from its options. */
  public static final class Factory implements MethodFactory {
    private static final double THIRD = 1.0 / 3.0;
    private static final Map<String, Object> DEFAULT_MAP = defaultMap();

    private static Map<String, Object> defaultMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("strategy", "random");
      m.put("every", "steps");
      m.put("steps", 1);
      return Collections.unmodifiableMap(m);
    }

    private static final MethodInfo INFO = new MethodInfo(NAME,
        "RAIL-KD: l1 hard + l2 T^2 KL + l3 distance of projected, normalised pooled states of randomly drawn, sorted teacher layers (re-drawn during training)",
        List.of(
            new OptionSpec("variant", "string", "concat", "concat (RAIL-KD_c: concatenated layers, one projection per side) or layerwise (RAIL-KD_l: per-pair projections, averaged)"),
            new OptionSpec("layer_map", "layer-map", DEFAULT_MAP, "teacher layers of the student's intermediate layers; random re-drawn every step by default (every: steps, steps: N; or every: epoch)"),
            new OptionSpec("steps_per_epoch", "int", 0, "optimizer steps per epoch, needed only by a random map re-drawn every epoch"),
            new OptionSpec("pool", "string", "mean", "vector per layer: mean (over non-padding tokens) or cls (position 0)"),
            new OptionSpec("projection_dim", "int", 128, "shared width of the student and teacher projections"),
            new OptionSpec("distance", "string", "squared", "distance of the normalised projections: squared (Euclidean, summed over width), mse (averaged over width) or cosine (1 - cos)"),
            new OptionSpec("temperature", "double", 10.0, "softmax temperature T of the soft loss"),
            new OptionSpec("weight_hard", "double", THIRD, "l1: weight of the hard-label loss (0: no labels needed)"),
            new OptionSpec("weight_soft", "double", THIRD, "l2: weight of the soft loss T^2 KL"),
            new OptionSpec("weight_rail", "double", THIRD, "l3: weight of the random intermediate-layer loss")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      boolean concat = Choices.oneOf(o, NAME, "variant", "concat", "layerwise").equals("concat");
      boolean mean = Choices.oneOf(o, NAME, "pool", "mean", "cls").equals("mean");
      Distance distance = Distance.valueOf(Choices.oneOf(o, NAME, "distance", "squared", "mse", "cosine").toUpperCase(java.util.Locale.ROOT));
      int dim = o.getInt("projection_dim");
      if (dim <= 0) throw new IllegalArgumentException("method 'rail_kd', option 'projection_dim': must be a positive width, got " + dim);
      int stepsPerEpoch = o.getInt("steps_per_epoch");
      if (stepsPerEpoch < 0) throw new IllegalArgumentException("method 'rail_kd', option 'steps_per_epoch': must be 0 or more, got " + stepsPerEpoch);
      Object rawMap = o.asMap().get("layer_map");
      LayerMapper mapper;
      try {
        LayerMapSpec spec = LayerMapSpec.parse(rawMap == null ? DEFAULT_MAP : rawMap);
        mapper = spec.mapper(setup.student().layers(), setup.teacher().layers(), stepsPerEpoch, setup.rng());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("method 'rail_kd', option 'layer_map': " + e.getMessage()
            + (e.getMessage().contains("steps per epoch") ? " (set the option 'steps_per_epoch')" : ""), e);
      }
      int hs = setup.student().hidden();
      int ht = setup.teacher().hidden();
      int pairs = mapper.current().pairs().size();
      Projections extras = new Projections();
      List<Linear> sp = new ArrayList<>();
      List<Linear> tp = new ArrayList<>();
      if (pairs > 0) {
        if (concat) {
          sp.add(extras.add("rail_student_proj", pairs * hs, dim, setup.rng(), setup.student()));
          tp.add(extras.add("rail_teacher_proj", pairs * ht, dim, setup.rng(), setup.student()));
        } else {
          for (int j = 0; j < pairs; j++) {
            sp.add(extras.add("rail_student_proj_" + j, hs, dim, setup.rng(), setup.student()));
            tp.add(extras.add("rail_teacher_proj_" + j, ht, dim, setup.rng(), setup.student()));
          }
        }
      }
      return new RailKd(mapper, concat, mean, distance, Choices.positive(o, NAME, "temperature"), Choices.weight(o, NAME, "weight_hard"), Choices.weight(o, NAME, "weight_soft"),
          Choices.weight(o, NAME, "weight_rail"), pairs > 0 ? extras : null, sp, tp);
    }
  }
}
