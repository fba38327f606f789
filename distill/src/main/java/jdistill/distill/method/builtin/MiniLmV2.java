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
 * {@code minilmv2}: MiniLMv2's multi-head self-attention relation distillation (Wang et al.
 * 2021): for queries, keys and values of one teacher layer and the student's last layer, the
 * per-head vectors are concatenated and re-split into R relation heads (R divides both widths,
 * independent of the attention heads), and {@code KL(softmax(X_t X_t^T / sqrt(d_t)) ||
 * softmax(X_s X_s^T / sqrt(d_s)))} per relation head is averaged over heads and non-padding
 * query positions, for X = Q, K, V (padded keys have probability 0).
 *
 * <p>Defaults: 48 relation heads as in the reference for base-size models (set a common divisor
 * of the two widths for small ones); teacher layer -1 = last (the paper picks an upper-middle
 * layer for large teachers, e.g. 21 of 24).
 */
public final class MiniLmV2 implements Method {

  /** The registered name. */
  public static final String NAME = "minilmv2";

  private static final Tap[] KINDS = {Tap.QUERY, Tap.KEY, Tap.VALUE};
  private static final String[] TERMS = {"query", "key", "value"};

  private final int relationHeads;
  private final int studentLayer;
  private final int teacherLayer;
  private final double[] weights;

  MiniLmV2(int relationHeads, int studentLayer, int teacherLayer, double[] weights) {
    this.relationHeads = relationHeads;
    this.studentLayer = studentLayer;
    this.teacherLayer = teacherLayer;
    this.weights = weights.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<TapRequest> taps() {
    List<TapRequest> out = new ArrayList<>();
    for (int k = 0; k < KINDS.length; k++) {
      if (weights[k] == 0) continue;
      out.add(TapRequest.student(KINDS[k], studentLayer));
      out.add(TapRequest.teacher(KINDS[k], teacherLayer));
    }
    return out;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    ModelOutput s = step.student();
    ModelOutput t = step.teacher();
    Tensor tokens = KdLosses.tokenMask(step.batch());
    for (int k = 0; k < KINDS.length; k++) {
      if (weights[k] == 0) continue;
      Tensor xs = Relations.regroup(s.taps().get(KINDS[k], studentLayer), relationHeads, "method 'minilmv2', student " + TERMS[k]);
      Tensor xt = Relations.regroup(t.taps().get(KINDS[k], teacherLayer).detach(), relationHeads, "method 'minilmv2', teacher " + TERMS[k]);
      out.put(TERMS[k], Relations.kl(Relations.logits(xs, tokens), Relations.logits(xt, tokens), tokens).mul(weights[k]));
    }
    return out;
  }

  /** Creates {@link MiniLmV2} from its options. */
  public static final class Factory implements MethodFactory {
    private static final MethodInfo INFO = new MethodInfo(NAME, "MiniLMv2: KL on multi-head Q-Q, K-K, V-V self-attention relations with R relation heads, from one teacher layer",
        List.of(
            new OptionSpec("relation_heads", "int", 48, "number of relation heads R; must divide both hidden widths"),
            new OptionSpec("teacher_layer", "int", -1, "teacher layer (0-based; negative counts from the end, -1 = last)"),
            new OptionSpec("student_layer", "int", -1, "student layer (0-based; negative counts from the end, -1 = last)"),
            new OptionSpec("query_weight", "double", 1.0, "weight of the Q-Q relation KL"),
            new OptionSpec("key_weight", "double", 1.0, "weight of the K-K relation KL"),
            new OptionSpec("value_weight", "double", 1.0, "weight of the V-V relation KL")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      int r = o.getInt("relation_heads");
      int hs = setup.student().hidden();
      int ht = setup.teacher().hidden();
      if (r <= 0 || hs % r != 0 || ht % r != 0) {
        throw new IllegalArgumentException("method 'minilmv2', option 'relation_heads': " + r + " must divide both the student width " + hs + " and the teacher width " + ht
            + " (their common divisors include " + gcd(hs, ht) + ")");
      }
      int sl = LayerMap.resolve(o.getInt("student_layer"), setup.student().layers(), "method 'minilmv2', option 'student_layer'");
      int tl = LayerMap.resolve(o.getInt("teacher_layer"), setup.teacher().layers(), "method 'minilmv2', option 'teacher_layer'");
      double[] w = {Choices.weight(o, NAME, "query_weight"), Choices.weight(o, NAME, "key_weight"), Choices.weight(o, NAME, "value_weight")};
      return new MiniLmV2(r, sl, tl, w);
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }
}
