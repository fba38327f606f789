package jdistill.distill.method.builtin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.engine.Tensor;

/**
 * {@code kd}: Hinton's knowledge distillation, {@code alpha * L_soft + (1 - alpha) * L_hard}.
 *
 * <p>The soft loss is {@code T^2 KL(softmax(z_t/T) || softmax(z_s/T))} by default (the T^2 keeps
 * its gradient on the scale of the hard loss), or soft cross-entropy, or MSE on logits; it is
 * averaged over examples and, for LM logits, over the positions that count (non-padding and, with
 * {@code label_positions_only}, not labelled -100). A regression head gets the logit MSE.
 *
 * <p>Defaults: {@code T = 4} (TextBrewer's default; the methods specification fixes none for plain
 * KD) and {@code alpha = 0.5}, so the hard loss is included as in Hinton's formulation. {@code
 * alpha = 1} drops the hard term, which then needs no labels; combine with {@code hard} by weight
 * instead when another split is wanted.
 */
public final class HintonKd implements Method {

  /** The registered name. */
  public static final String NAME = "kd";

  private final double temperature;
  private final double alpha;
  private final SoftLoss loss;
  private final boolean labelPositionsOnly;

  public HintonKd(double temperature, double alpha, SoftLoss loss, boolean labelPositionsOnly) {
    this.temperature = temperature;
    this.alpha = alpha;
    this.loss = loss;
    this.labelPositionsOnly = labelPositionsOnly;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<TapRequest> taps() {
    return List.of();
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Tensor s = step.student().logits();
    if (alpha > 0) {
      Tensor mask = KdLosses.positionMask(step.batch(), s, labelPositionsOnly);
      out.put("soft", KdLosses.soft(loss, s, step.teacher().logits(), temperature, mask).mul(alpha));
    }
    if (alpha < 1) out.put("hard", KdLosses.hard(s, step.batch().labels(), 0.0, NAME).mul(1 - alpha));
    return out;
  }

  /** Creates {@link HintonKd} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "Hinton KD: alpha * T^2 KL(teacher || student) + (1 - alpha) * hard-label loss",
        List.of(
            new OptionSpec("temperature", "double", 4.0, "softmax temperature T of the soft loss"),
            new OptionSpec("alpha", "double", 0.5, "weight of the soft loss; the hard-label loss gets 1 - alpha (1 = soft only, no labels needed)"),
            new OptionSpec("loss", "string", "kl", "soft loss: kl (T^2 KL), soft_ce (soft cross-entropy, no T^2) or logit_mse"),
            new OptionSpec("label_positions_only", "bool", true, "for LM logits, also skip positions labelled -100 (padding is always skipped)")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      return new HintonKd(Choices.positive(o, NAME, "temperature"), Choices.fraction(o, NAME, "alpha"), SoftLoss.parse(o.getString("loss"), "method 'kd', option 'loss'"),
          o.getBool("label_positions_only"));
    }
  }
}
