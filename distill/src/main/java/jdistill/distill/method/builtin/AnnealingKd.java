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
 * {@code annealing_kd}: Annealing KD (Jafari et al. 2021). Stage {@code anneal}: {@code MSE(z_s,
 * phi * z_t)} with {@code phi = 1 - (T - 1) / T_max}, where the temperature T steps down from
 * {@code T_max} (default 7) to 1 over the run (the run is split into {@code T_max} equal phases;
 * the paper steps once per epoch), so the target rises from {@code z_t / T_max} to the teacher's
 * logits. Stage {@code finetune}: the hard-label loss alone (no teacher forward). The MSE is the
 * mean over logit entries and, for LM logits, over the positions that count (non-padding, not
 * labelled -100).
 */
public final class AnnealingKd implements Method {

  /** The registered name. */
  public static final String NAME = "annealing_kd";

  private final boolean anneal;
  private final int maxTemperature;

  AnnealingKd(boolean anneal, int maxTemperature) {
    this.anneal = anneal;
    this.maxTemperature = maxTemperature;
  }

  /** The temperature at {@code progress} in [0, 1]: {@code T_max} at the start, 1 in the last phase. */
  public static int temperature(double progress, int maxTemperature) {
    int t = maxTemperature - (int) Math.floor(progress * maxTemperature);
    return Math.max(1, Math.min(maxTemperature, t));
  }

  /** The annealing factor {@code phi = 1 - (T - 1) / T_max} at {@code progress}. */
  public static double phi(double progress, int maxTemperature) {
    return 1.0 - (temperature(progress, maxTemperature) - 1.0) / maxTemperature;
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
  public boolean needsTeacher() {
    return anneal;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Tensor s = step.student().logits();
    if (!anneal) {
      out.put("hard", KdLosses.hard(s, step.batch().labels(), 0.0, NAME));
      return out;
    }
    Tensor target = step.teacher().logits().detach().mul(phi(step.progress(), maxTemperature));
    out.put("anneal", KdLosses.maskedMse(s, target, KdLosses.positionMask(step.batch(), s, true)));
    return out;
  }

  /** Creates {@link AnnealingKd} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "Annealing KD: MSE(student logits, phi(t) * teacher logits), phi rising to 1 as T anneals from T_max; then hard-label fine-tuning",
        List.of(
            new OptionSpec("stage", "string", "anneal", "anneal (annealed logit MSE) or finetune (hard-label loss, no teacher)"),
            new OptionSpec("max_temperature", "int", 7, "T_max: the first phase's temperature; the run is split into T_max phases")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      boolean anneal = Choices.oneOf(o, NAME, "stage", "anneal", "finetune").equals("anneal");
      int t = o.getInt("max_temperature");
      if (t < 1) throw new IllegalArgumentException("method 'annealing_kd', option 'max_temperature': must be an integer >= 1, got " + t);
      return new AnnealingKd(anneal, t);
    }
  }
}
