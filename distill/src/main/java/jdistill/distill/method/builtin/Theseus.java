package jdistill.distill.method.builtin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import jdistill.distill.schedule.ValueSchedule;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * {@code theseus}: BERT-of-Theseus (Xu et al. 2020), compression by progressive module replacement.
 *
 * <p>The teacher's (predecessor's) layers are split into as many consecutive modules as the
 * student (successor) has layers: 12 -> 6 gives teacher layers {0,1}, {2,3}, ..., {10,11}; when
 * the depths do not divide, module i holds teacher layers {@code round(i Lt/Ls) .. round((i+1)
 * Lt/Ls) - 1}. At each training step every module is replaced by its successor, student layer i,
 * independently with probability p (the replacing rate), and the step's loss is the hard-label
 * loss of that hybrid model. p follows a schedule, by default linear from 0.3 to 1.0 over the first
 * 66% of the run (the paper's curriculum {@code p = min(1, k t + b)}, b = 0.3); from p = 1 on every
 * module is the successor, the hybrid is the student alone, and the rest of the run is the paper's
 * successor fine-tuning. The student is what is exported.
 *
 * <p>No teacher forward is needed for a loss ({@link #needsTeacher()} is false): the teacher's
 * layers run inside the hybrid, frozen (their parameters are marked as not requiring gradients, so
 * gradients pass through them to the earlier student layers and never reach the teacher). The
 * paper's predecessor and successor share one embedding layer and one output layer; here those
 * are the student's, and they train with its layers, so at p = 1 the hybrid is exactly the student.
 * Initialise the student from the teacher (its embeddings, head and e.g. first layers, as the paper
 * does with {@code Students.fromTeacher}) so that they start as the predecessor's. Teacher and
 * student must be of one family (GPT-2 or BERT) and one width. When every module of a step is the
 * successor, the trainer's own student forward is used rather than a second identical forward.
 */
public final class Theseus implements Method {

  /** The registered name. */
  public static final String NAME = "theseus";

  private final DistillModel teacher;
  private final DistillModel student;
  private final ValueSchedule replacingRate;
  private final int[][] modules;
  private final Rng fallback;
  private boolean[] replaced;
  private long sampledStep = Long.MIN_VALUE;
  private double lastRate = Double.NaN;

  /**
   * @param modules teacher layers (0-based) of module i, replaced by student layer i
   * @param fallback draws the replacement when {@link #losses} comes without {@link #beginStep}
   */
  Theseus(DistillModel teacher, DistillModel student, ValueSchedule replacingRate, int[][] modules, Rng fallback) {
    this.teacher = teacher;
    this.student = student;
    this.replacingRate = replacingRate;
    this.modules = modules;
    this.fallback = fallback;
    this.replaced = new boolean[modules.length];
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

  /**
   * The teacher modules for a student of {@code studentLayers} layers: module i is the teacher
   * layers {@code round(i Lt / Ls) .. round((i+1) Lt / Ls) - 1}, never empty when {@code Lt >= Ls}.
   */
  public static int[][] modules(int studentLayers, int teacherLayers) {
    if (studentLayers <= 0 || teacherLayers < studentLayers) {
      throw new IllegalArgumentException("method 'theseus': a teacher of " + teacherLayers + " layers cannot be split into " + studentLayers
          + " modules (one per student layer); the student needs at least one layer and no more than the teacher");
    }
    int[][] out = new int[studentLayers][];
    for (int i = 0; i < studentLayers; i++) {
      int from = (int) Math.round((double) i * teacherLayers / studentLayers);
      int to = (int) Math.round((double) (i + 1) * teacherLayers / studentLayers);
      out[i] = new int[to - from];
      for (int j = from; j < to; j++) out[i][j - from] = j;
    }
    return out;
  }

  /** The teacher layers of each module (index = the student layer that replaces it). */
  public int[][] modules() {
    int[][] copy = new int[modules.length][];
    for (int i = 0; i < modules.length; i++) copy[i] = modules[i].clone();
    return copy;
  }

  /** The replacing rate at {@code step} of {@code totalSteps}, checked to lie in [0, 1]. */
  public double replacingRate(long step, long totalSteps) {
    double p = replacingRate.at(step, totalSteps);
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalStateException("method 'theseus': the replacing rate " + replacingRate.describe() + " is " + p + " at step " + step + ", outside [0, 1]");
    }
    return p;
  }

  /** Which modules the current step runs as their successor (student layer), by module. */
  public boolean[] replaced() {
    return replaced.clone();
  }

  /** The replacing rate the current step was drawn with. */
  public double lastRate() {
    return lastRate;
  }

  @Override
  public void beginStep(long step, long totalSteps, Rng rng) {
    draw(step, totalSteps, rng);
  }

  private void draw(long step, long totalSteps, Rng rng) {
    double p = replacingRate(step, totalSteps);
    boolean[] r = new boolean[modules.length];
    for (int i = 0; i < r.length; i++) r[i] = rng.nextDouble() < p;
    replaced = r;
    lastRate = p;
    sampledStep = step;
  }

  /** Runs the step as the given modules replaced (for tests and recipes that fix the choice). */
  void replaceExactly(boolean[] which, long step) {
    if (which.length != modules.length) throw new IllegalArgumentException("expected " + modules.length + " module flags, got " + which.length);
    replaced = which.clone();
    sampledStep = step;
  }

  @Override
  public Map<String, Tensor> losses(StepView step) {
    if (sampledStep != step.step()) draw(step.step(), step.totalSteps(), fallback);
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("hard", KdLosses.hard(hybridLogits(step), step.batch().labels(), 0.0, NAME));
    return out;
  }

  /** The logits of this step's hybrid: the trainer's student output when every module is the successor. */
  private Tensor hybridLogits(StepView step) {
    boolean all = true;
    for (boolean r : replaced) all &= r;
    if (all && step.student() != null) return step.student().logits();
    ModelOutput o = student.forwardWithBlocks(step.batch(), hybridBlocks(), new TapRecorder());
    if (o.logits() == null) throw new IllegalStateException("method 'theseus': the student has no head (a bare encoder), so there is no hard-label loss to train with");
    return o.logits();
  }

  /** The blocks of the hybrid, in order: student layer i where module i is replaced, else the module's teacher layers. */
  List<Module> hybridBlocks() {
    List<? extends Module> tb = teacher.blocks();
    List<? extends Module> sb = student.blocks();
    if (tb.size() != teacher.layers() || sb.size() != modules.length) {
      throw new IllegalStateException("method 'theseus': expected " + teacher.layers() + " teacher and " + modules.length + " student blocks, the models have " + tb.size() + " and " + sb.size());
    }
    List<Module> blocks = new ArrayList<>();
    for (int i = 0; i < modules.length; i++) {
      if (replaced[i]) {
        blocks.add(sb.get(i));
      } else {
        for (int t : modules[i]) {
          Module m = tb.get(t);
          freeze(m);
          blocks.add(m);
        }
      }
    }
    return Collections.unmodifiableList(blocks);
  }

  /** Marks a teacher block's parameters as constants (again after a device move made new leaves). */
  private static void freeze(Module block) {
    for (Parameter p : block.parameters()) {
      if (p.tensor().requiresGrad()) p.tensor().requiresGrad(false);
    }
  }

  /** Creates {@link Theseus} from its options. */
  public static final class Factory implements MethodFactory {
    private static final Map<String, Object> DEFAULT_RATE = defaultRate();

    private static Map<String, Object> defaultRate() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "linear");
      m.put("from", 0.3);
      m.put("to", 1.0);
      m.put("fraction", 0.66);
      return Collections.unmodifiableMap(m);
    }

    private static final MethodInfo INFO = new MethodInfo(NAME,
        "BERT-of-Theseus: each step, each block of teacher layers is replaced by its student layer with probability p (rising to 1); hard-label loss of the hybrid, no teacher forward",
        List.of(new OptionSpec("replacing_rate", "schedule", DEFAULT_RATE, "p: probability that a module runs as its student layer; a number or a schedule (default 0.3 -> 1.0 linearly by 66% of the run)")));

    @Override
    public MethodInfo info() {
      return INFO;
    }

    @Override
    public Method create(MethodOptions o, MethodSetup setup) {
      Object raw = o.asMap().get("replacing_rate");
      ValueSchedule rate;
      try {
        rate = ValueSchedule.parse(raw == null ? DEFAULT_RATE : raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("method 'theseus', option 'replacing_rate': " + e.getMessage(), e);
      }
      DistillModel t = setup.teacher();
      DistillModel s = setup.student();
      if (t == null) throw new IllegalArgumentException("method 'theseus' runs the teacher's layers inside the student, but the run has no teacher");
      if (t.hidden() != s.hidden()) {
        throw new IllegalArgumentException("method 'theseus' swaps teacher and student layers, which needs one width: the teacher has width " + t.hidden() + ", the student " + s.hidden()
            + "; use a student of the teacher's width (e.g. built from its layers)");
      }
      int[][] modules = modules(s.layers(), t.layers());
      Rng rng = setup.rng() != null ? setup.rng() : new Rng(0);
      return new Theseus(t, s, rate, modules, new Rng(rng.nextLong()));
    }
  }
}
