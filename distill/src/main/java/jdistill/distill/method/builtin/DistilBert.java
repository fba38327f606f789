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
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.student.LayerSelection;
import jdistill.models.student.Students;

/**
 * {@code distilbert}: DistilBERT's triple loss (Sanh et al. 2019), as in Hugging Face's
 * distillation example: {@code alpha_ce * T^2 KL(T = 2) + alpha_mlm * L_lm + alpha_cos * (1 -
 * cos(H_s,last, H_t,last))}, defaults 5, 2, 1, plus an optional {@code alpha_mse} logit MSE
 * (mean over logit entries; the reference sums over the vocabulary instead).
 *
 * <p>{@code L_lm} is the hard loss from the batch's labels: masked-LM for BERT, causal-LM for
 * GPT-2 (DistilGPT-2). The soft loss is averaged over non-padding positions, or only over the
 * labelled (masked) positions with {@code restrict_ce_to_mask}; the cosine term over non-padding
 * tokens of the last hidden states (GPT-2: after the final LayerNorm). When widths differ, a
 * trainable projection of the student's hidden state is added to {@link #extras()}. Students
 * start from every other teacher layer: {@link #initStudent}.
 */
public final class DistilBert implements Method {

  /** The registered name. */
  public static final String NAME = "distilbert";

  private final double temperature;
  private final double alphaCe;
  private final double alphaLm;
  private final double alphaCos;
  private final double alphaMse;
  private final boolean restrictCeToMask;
  private final Projections extras;
  private final Linear projection;

  DistilBert(double temperature, double alphaCe, double alphaLm, double alphaCos, double alphaMse, boolean restrictCeToMask, Projections extras, Linear projection) {
    this.temperature = temperature;
    this.alphaCe = alphaCe;
    this.alphaLm = alphaLm;
    this.alphaCos = alphaCos;
    this.alphaMse = alphaMse;
    this.restrictCeToMask = restrictCeToMask;
    this.extras = extras;
    this.projection = projection;
  }

  /**
   * The teacher layers a DistilBERT student of {@code studentLayers} starts from: spread evenly from
   * the first to the last, {@code [0, 2, 4, 7, 9, 11]} for 6 of 12.
   */
  public static List<Integer> teacherLayers(int teacherLayers, int studentLayers) {
    return LayerSelection.uniform(studentLayers, teacherLayers);
  }

  /**
   * A student of {@code studentLayers} layers initialised from {@code teacher} (embeddings, the
   * chosen layers' attention, FFN and LayerNorms, and the heads copied).
   */
  public static Module initStudent(Module teacher, int studentLayers) {
    int depth = HfCheckpoint.spec(teacher).config().layers();
    return Students.fromTeacher(teacher, teacherLayers(depth, studentLayers));
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
  public Module extras() {
    return extras;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Tensor s = step.student().logits();
    Tensor t = step.teacher().logits();
    if (alphaCe > 0 || alphaMse > 0) {
      Tensor mask = KdLosses.positionMask(step.batch(), s, restrictCeToMask);
      if (alphaCe > 0) out.put("soft", KdLosses.soft(SoftLoss.KL, s, t, temperature, mask).mul(alphaCe));
      if (alphaMse > 0) out.put("mse", KdLosses.maskedMse(s, t.detach(), mask).mul(alphaMse));
    }
    if (alphaLm > 0) out.put("lm", KdLosses.hard(s, step.batch().labels(), 0.0, NAME).mul(alphaLm));
    if (alphaCos > 0) {
      Tensor hs = step.student().lastHidden();
      Tensor ht = step.teacher().lastHidden().detach();
      if (projection != null) hs = projection.forward(hs);
      out.put("cos", KdLosses.cosineLoss(hs, ht, KdLosses.tokenMask(step.batch())).mul(alphaCos));
    }
    return out;
  }

  /** Creates {@link DistilBert} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "DistilBERT: 5 T^2 KL (T=2) + 2 LM loss from labels + 1 cosine distance of last hidden states",
        List.of(
            new OptionSpec("temperature", "double", 2.0, "softmax temperature of the soft loss"),
            new OptionSpec("alpha_ce", "double", 5.0, "weight of the soft loss"),
            new OptionSpec("alpha_mlm", "double", 2.0, "weight of the LM loss from labels (masked-LM for BERT, causal-LM for GPT-2)"),
            new OptionSpec("alpha_cos", "double", 1.0, "weight of the cosine distance between last hidden states"),
            new OptionSpec("alpha_mse", "double", 0.0, "weight of an MSE between logits"),
            new OptionSpec("restrict_ce_to_mask", "bool", false, "soft loss only at labelled (masked) positions instead of every non-padding position")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      Projections extras = null;
      Linear projection = null;
      int hs = setup.student().hidden();
      int ht = setup.teacher().hidden();
      if (hs != ht && Choices.weight(o, NAME, "alpha_cos") > 0) {
        extras = new Projections();
        projection = extras.add("distilbert_proj", hs, ht, setup.rng(), setup.student());
      }
      return new DistilBert(Choices.positive(o, NAME, "temperature"), Choices.weight(o, NAME, "alpha_ce"), Choices.weight(o, NAME, "alpha_mlm"), Choices.weight(o, NAME, "alpha_cos"),
          Choices.weight(o, NAME, "alpha_mse"), o.getBool("restrict_ce_to_mask"), extras, projection);
    }
  }
}
