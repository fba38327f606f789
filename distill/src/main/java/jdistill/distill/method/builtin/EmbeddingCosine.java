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
 * {@code embedding}: sentence-embedding distillation, {@code 1 - cos(p_s, p_t)} averaged over the
 * batch, plus {@code mse_weight * MSE(p_s, p_t)}, where p is the last hidden state pooled per
 * sentence (mean over the non-padding tokens, or the [CLS] state). Needs no labels and no taps;
 * teacher and student need one hidden width. The cosine term matches the direction the embeddings
 * are compared by; the MSE term also pins their scale.
 */
public final class EmbeddingCosine implements Method {

  /** The registered name. */
  public static final String NAME = "embedding";

  private final boolean mean;
  private final double mseWeight;

  /**
   * @param mean mean pooling over non-padding tokens (else position 0, [CLS])
   * @param mseWeight weight of the MSE term; 0 leaves the cosine distance alone
   */
  public EmbeddingCosine(boolean mean, double mseWeight) {
    this.mean = mean;
    this.mseWeight = mseWeight;
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
    Tensor s = KdLosses.pool(step.student().lastHidden(), step.batch(), mean);
    Tensor t = KdLosses.pool(step.teacher().lastHidden(), step.batch(), mean).detach();
    if (s.shape(-1) != t.shape(-1)) {
      throw new IllegalArgumentException("method 'embedding': student embeddings are " + s.shape(-1) + " wide, the teacher's " + t.shape(-1) + "; they must be one width");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("cosine", KdLosses.cosineLoss(s, t, null));
    if (mseWeight > 0) out.put("mse", KdLosses.maskedMse(s, t, null).mul(mseWeight));
    return out;
  }

  /** Creates {@link EmbeddingCosine} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "sentence embeddings: 1 - cos(pooled student, pooled teacher) + mse_weight * their MSE",
        List.of(
            new OptionSpec("pooling", "string", "mean", "how the last hidden states become one vector: mean (over non-padding tokens) or cls"),
            new OptionSpec("mse_weight", "double", 0.0, "weight of the MSE of the pooled vectors, added to the cosine distance (0 = none)")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      String pooling = Choices.oneOf(o, NAME, "pooling", "mean", "cls");
      return new EmbeddingCosine(pooling.equals("mean"), Choices.weight(o, NAME, "mse_weight"));
    }
  }
}
