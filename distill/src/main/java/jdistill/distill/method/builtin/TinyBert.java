package jdistill.distill.method.builtin;

import java.util.ArrayList;
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
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;

/**
 * {@code tinybert}: TinyBERT's two-stage distillation (Jiao et al. 2020).
 *
 * <p>Stage {@code intermediate}: {@code MSE(E_s W, E_t)} on the embedding outputs, plus for each
 * student layer i and its teacher layer j (uniform map, 12 -> 4: 2, 5, 8, 11; or explicit) {@code
 * MSE(H_s,i W, H_t,j)} on the layer outputs and the MSE between attention scores (pre-softmax,
 * per head), summed over layers as in the reference code. Hidden MSEs are averaged over non-padding
 * tokens; score MSEs leave out the masked entries (padding queries or keys, causal masking) where
 * TinyBERT zeroes them. {@code W} is one trainable projection shared by all layers (TinyBERT's
 * {@code fit_dense}), created when widths differ or with {@code force_projection}; the attention
 * term needs equal head counts.
 *
 * <p>Stage {@code prediction}: soft cross-entropy between logits at temperature T (default 1), no
 * T^2 and no hard labels, as in the reference; MSE for a regression head.
 */
public final class TinyBert implements Method {

  /** The registered name. */
  public static final String NAME = "tinybert";

  private final boolean intermediate;
  private final double temperature;
  private final double embeddingWeight;
  private final double hiddenWeight;
  private final double attentionWeight;
  private final int[] teacherLayers;
  private final Projections extras;
  private final Linear projection;

  TinyBert(boolean intermediate, double temperature, double embeddingWeight, double hiddenWeight, double attentionWeight, int[] teacherLayers, Projections extras, Linear projection) {
    this.intermediate = intermediate;
    this.temperature = temperature;
    this.embeddingWeight = embeddingWeight;
    this.hiddenWeight = hiddenWeight;
    this.attentionWeight = attentionWeight;
    this.teacherLayers = teacherLayers.clone();
    this.extras = extras;
    this.projection = projection;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The teacher layer of each student layer. */
  public int[] teacherLayers() {
    return teacherLayers.clone();
  }

  @Override
  public List<TapRequest> taps() {
    List<TapRequest> out = new ArrayList<>();
    if (!intermediate) return out;
    if (embeddingWeight > 0) {
      out.add(TapRequest.student(Tap.EMBEDDINGS, 0));
      out.add(TapRequest.teacher(Tap.EMBEDDINGS, 0));
    }
    for (int i = 0; i < teacherLayers.length; i++) {
      if (hiddenWeight > 0) {
        out.add(TapRequest.student(Tap.LAYER_OUTPUT, i));
        out.add(TapRequest.teacher(Tap.LAYER_OUTPUT, teacherLayers[i]));
      }
      if (attentionWeight > 0) {
        out.add(TapRequest.student(Tap.ATTENTION_SCORES, i));
        out.add(TapRequest.teacher(Tap.ATTENTION_SCORES, teacherLayers[i]));
      }
    }
    return out;
  }

  @Override
  public Module extras() {
    return intermediate ? extras : null;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    ModelOutput s = step.student();
    ModelOutput t = step.teacher();
    Tensor tokens = KdLosses.tokenMask(step.batch());
    if (!intermediate) {
      Tensor mask = KdLosses.positionMask(step.batch(), s.logits(), false);
      out.put("prediction", KdLosses.soft(SoftLoss.SOFT_CE, s.logits(), t.logits(), temperature, mask));
      return out;
    }
    if (embeddingWeight > 0) {
      out.put("embedding", hiddenMse(s.taps().get(Tap.EMBEDDINGS), t.taps().get(Tap.EMBEDDINGS), tokens).mul(embeddingWeight));
    }
    Tensor hidden = null;
    Tensor attention = null;
    for (int i = 0; i < teacherLayers.length; i++) {
      int j = teacherLayers[i];
      if (hiddenWeight > 0) {
        Tensor h = hiddenMse(s.taps().get(Tap.LAYER_OUTPUT, i), t.taps().get(Tap.LAYER_OUTPUT, j), tokens);
        hidden = hidden == null ? h : hidden.add(h);
      }
      if (attentionWeight > 0) {
        Tensor a = Relations.scoreMse(s.taps().get(Tap.ATTENTION_SCORES, i), t.taps().get(Tap.ATTENTION_SCORES, j), tokens);
        attention = attention == null ? a : attention.add(a);
      }
    }
    if (hidden != null) out.put("hidden", hidden.mul(hiddenWeight));
    if (attention != null) out.put("attention", attention.mul(attentionWeight));
    return out;
  }

  private Tensor hiddenMse(Tensor student, Tensor teacher, Tensor tokens) {
    Tensor hs = projection == null ? student : projection.forward(student);
    return KdLosses.maskedMse(hs, teacher.detach(), tokens);
  }

  /** Creates {@link TinyBert} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "TinyBERT: intermediate stage (MSE of embeddings, hidden states via W, attention scores) then prediction stage (soft CE)",
        List.of(
            new OptionSpec("stage", "string", "intermediate", "intermediate (embeddings, hidden states, attention scores) or prediction (soft cross-entropy on logits)"),
            new OptionSpec("temperature", "double", 1.0, "temperature of the prediction-stage soft cross-entropy"),
            new OptionSpec("embedding_weight", "double", 1.0, "weight of the embedding MSE"),
            new OptionSpec("hidden_weight", "double", 1.0, "weight of the hidden-state MSE (summed over mapped layers)"),
            new OptionSpec("attention_weight", "double", 1.0, "weight of the attention-score MSE (summed over mapped layers)"),
            new OptionSpec("teacher_layers", "int-list", null, "explicit teacher layer (0-based) for each student layer, instead of the uniform map"),
            new OptionSpec("force_projection", "bool", false, "train the projection W even when the widths are equal")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      boolean intermediate = Choices.oneOf(o, NAME, "stage", "intermediate", "prediction").equals("intermediate");
      int ls = setup.student().layers();
      int lt = setup.teacher().layers();
      int[] map = o.has("teacher_layers") ? LayerMap.explicit(o.getIntList("teacher_layers"), ls, lt, "method 'tinybert', option 'teacher_layers'") : LayerMap.uniform(ls, lt);
      double attentionWeight = Choices.weight(o, NAME, "attention_weight");
      int hs = setup.student().hidden();
      int ht = setup.teacher().hidden();
      if (intermediate && attentionWeight > 0 && setup.student().config().heads() != setup.teacher().config().heads()) {
        throw new IllegalArgumentException("method 'tinybert': the attention-score loss compares heads one to one, but the student has " + setup.student().config().heads()
            + " heads and the teacher " + setup.teacher().config().heads() + "; use models with equal head counts or set attention_weight: 0");
      }
      Projections extras = null;
      Linear projection = null;
      if (intermediate && (hs != ht || o.getBool("force_projection"))) {
        extras = new Projections();
        projection = extras.add("tinybert_fit_dense", hs, ht, setup.rng(), setup.student());
      }
      return new TinyBert(intermediate, Choices.positive(o, NAME, "temperature"), Choices.weight(o, NAME, "embedding_weight"), Choices.weight(o, NAME, "hidden_weight"), attentionWeight, map,
          extras, projection);
    }
  }
}
