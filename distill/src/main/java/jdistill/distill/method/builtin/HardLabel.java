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
 * {@code hard}: the hard-label loss alone, from the batch's labels and the student's logits:
 * cross-entropy for classification and for masked or causal LM targets (ignore index -100), MSE
 * for regression. It reads no teacher, so it composes with any method by weight ("kd + hard") and
 * serves as a fine-tuning stage.
 */
public final class HardLabel implements Method {

  /** The registered name. */
  public static final String NAME = "hard";

  private final double labelSmoothing;

  /** A hard-label loss with label smoothing {@code labelSmoothing} (0 = none). */
  public HardLabel(double labelSmoothing) {
    this.labelSmoothing = labelSmoothing;
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
    return false;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("hard", KdLosses.hard(step.student().logits(), step.batch().labels(), labelSmoothing, NAME));
    return out;
  }

  /** Creates {@link HardLabel} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "hard-label loss alone: cross-entropy (classification, MLM, causal LM; ignore index -100) or MSE (regression); no teacher",
        List.of(new OptionSpec("label_smoothing", "double", 0.0, "label smoothing of the cross-entropy, in [0, 1]")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions options, MethodSetup setup) {
      return new HardLabel(Choices.fraction(options, NAME, "label_smoothing"));
    }
  }
}
