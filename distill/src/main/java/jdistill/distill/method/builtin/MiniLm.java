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
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;

/**
 * {@code minilm}: MiniLM's deep self-attention distillation (Wang et al. 2020) on the last layer
 * of each model: {@code KL(A_t || A_s)} on the attention probabilities plus {@code KL(VR_t ||
 * VR_s)} on the value relations {@code VR = softmax(V V^T / sqrt(d_head))}, both per head,
 * averaged over heads and non-padding query positions (padded keys have probability 0).
 *
 * <p>Both terms compare heads one to one, so teacher and student need the same number of
 * attention heads (their widths and head sizes may differ: the maps are sequence by sequence).
 * Models with different head counts need {@code minilmv2}, whose relation heads are a split of
 * the concatenated heads chosen independently of the attention heads; MiniLM's attention term
 * has no such freedom because the attention maps exist only per model head.
 */
public final class MiniLm implements Method {

  /** The registered name. */
  public static final String NAME = "minilm";

  private final int studentLayer;
  private final int teacherLayer;
  private final double attentionWeight;
  private final double valueWeight;

  MiniLm(int studentLayer, int teacherLayer, double attentionWeight, double valueWeight) {
    this.studentLayer = studentLayer;
    this.teacherLayer = teacherLayer;
    this.attentionWeight = attentionWeight;
    this.valueWeight = valueWeight;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<TapRequest> taps() {
    List<TapRequest> out = new ArrayList<>();
    if (attentionWeight > 0) {
      out.add(TapRequest.student(Tap.ATTENTION_SCORES, studentLayer));
      out.add(TapRequest.teacher(Tap.ATTENTION_SCORES, teacherLayer));
    }
    if (valueWeight > 0) {
      out.add(TapRequest.student(Tap.VALUE, studentLayer));
      out.add(TapRequest.teacher(Tap.VALUE, teacherLayer));
    }
    return out;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    ModelOutput s = step.student();
    ModelOutput t = step.teacher();
    Tensor tokens = KdLosses.tokenMask(step.batch());
    if (attentionWeight > 0) {
      // the scores are the logits of the attention probabilities (masked entries at -1e30)
      out.put("attention", Relations.kl(s.taps().get(Tap.ATTENTION_SCORES, studentLayer), t.taps().get(Tap.ATTENTION_SCORES, teacherLayer), tokens).mul(attentionWeight));
    }
    if (valueWeight > 0) {
      Tensor vs = Relations.logits(s.taps().get(Tap.VALUE, studentLayer), tokens);
      Tensor vt = Relations.logits(t.taps().get(Tap.VALUE, teacherLayer).detach(), tokens);
      out.put("value", Relations.kl(vs, vt, tokens).mul(valueWeight));
    }
    return out;
  }

  /** Creates {@link MiniLm} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "MiniLM: KL on last-layer attention probabilities + KL on value relations softmax(V V^T / sqrt(d)); equal head counts",
        List.of(
            new OptionSpec("attention_weight", "double", 1.0, "weight of the attention-probability KL"),
            new OptionSpec("value_weight", "double", 1.0, "weight of the value-relation KL")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      int hs = setup.student().config().heads();
      int ht = setup.teacher().config().heads();
      if (hs != ht) {
        throw new IllegalArgumentException("method 'minilm' transfers each attention head's map to the same head of the student, so both need the same number of heads (student " + hs
            + ", teacher " + ht + "); use minilmv2, whose relation heads are independent of the attention heads");
      }
      return new MiniLm(setup.student().layers() - 1, setup.teacher().layers() - 1, Choices.weight(o, NAME, "attention_weight"), Choices.weight(o, NAME, "value_weight"));
    }
  }
}
