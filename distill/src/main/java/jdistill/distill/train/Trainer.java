package jdistill.distill.train;

import jdistill.distill.data.BatchSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jdistill.distill.core.Batch;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.Side;
import jdistill.distill.core.StepView;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Parameter;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.GradAccumulator;
import jdistill.engine.optim.GradClip;
import jdistill.engine.optim.Optimizer;
import jdistill.engine.optim.ParamGroup;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.TapRecorder;

/**
 * The distillation loop. Each optimizer step: the methods' {@code beginStep}; then per
 * micro-batch, in its own scope, the teacher forward with recording off and only the requested
 * taps (skipped when no method needs the teacher), the student forward, every method's loss terms,
 * their sum weighted by each method's weight at the run's progress, and backward (scaled by 1/k
 * for k micro-batches); then global-norm clipping, the scheduled learning rate and one AdamW step
 * over the student and the methods' extras. Around the steps: JSONL metrics, a progress bar,
 * evaluation every N steps, atomic checkpoints (last and best) holding the full state, resume from
 * a checkpoint to the same losses as an uninterrupted run, stop on request (Ctrl-C) with a final
 * checkpoint, and a clear failure on a non-finite loss. The trainer never knows which method runs.
 */
public final class Trainer {

  private final DistillModel student;
  private final DistillModel teacher;
  private final List<WeightedMethod> methods;
  private final BatchSource data;
  private final Evaluator evaluator;
  private final Rng rng;
  private final TrainConfig config;
  private final PrintStream console;
  private final TrainableExtras extras;
  private final List<Parameter> trainable;
  private final Optimizer optimizer;
  private final CheckpointStore store;
  private final GradAccumulator accumulator;
  private final List<Consumer<StepStats>> listeners = new ArrayList<>();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private volatile CountDownLatch running;
  private Thread hook;

  private long step;
  private long tokensSeen;
  private RunState.Best best;
  private Path lastCheckpoint;
  private long lastCheckpointStep = -1;
  private boolean resumed;
  private Map<String, Double> lastEval = Map.of();

  public Trainer(TrainSetup setup) {
    this.student = setup.student();
    this.teacher = setup.teacher();
    this.methods = setup.methods();
    this.data = setup.data();
    this.evaluator = setup.evaluator();
    this.rng = setup.rng();
    this.config = setup.config();
    this.console = setup.console();
    this.extras = new TrainableExtras(methods);
    this.trainable = trainableParameters();
    this.optimizer = new AdamW(groups(trainable, config.weightDecay()), config.adamw());
    this.store = new CheckpointStore(config.checkpointDir());
    this.accumulator = new GradAccumulator(config.microBatches());
  }

  private List<Parameter> trainableParameters() {
    Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : student.module().parameters()) if (seen.add(p)) out.add(p);
    for (Parameter p : extras.parameters()) if (seen.add(p)) out.add(p);
    return List.copyOf(out);
  }

  /** Matrices and embeddings decay; biases and norm scales (rank < 2) do not. */
  private static List<ParamGroup> groups(List<Parameter> params, double weightDecay) {
    List<Parameter> decay = new ArrayList<>();
    List<Parameter> noDecay = new ArrayList<>();
    for (Parameter p : params) (p.shape().length >= 2 ? decay : noDecay).add(p);
    List<ParamGroup> groups = new ArrayList<>();
    if (!decay.isEmpty()) groups.add(new ParamGroup("decay", decay, 1.0, weightDecay));
    if (!noDecay.isEmpty()) groups.add(new ParamGroup("no_decay", noDecay, 1.0, 0.0));
    if (groups.isEmpty()) throw new IllegalArgumentException("the student has no parameters to train");
    return groups;
  }

  /** The optimizer over the student and the methods' extras. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The methods' extras, gathered (trained with the student, saved in checkpoints, not exported). */
  public TrainableExtras extras() {
    return extras;
  }

  /** The checkpoints of this run. */
  public CheckpointStore checkpoints() {
    return store;
  }

  /** Optimizer steps completed. */
  public long step() {
    return step;
  }

  /** Calls {@code listener} after every optimizer step (on the training thread). */
  public void addStepListener(Consumer<StepStats> listener) {
    listeners.add(listener);
  }

  // ---- stop -------------------------------------------------------------------------------------

  /**
   * Asks the loop to stop after the step in progress; it then saves a checkpoint and returns. This
   * is what the shutdown hook calls; safe from any thread.
   */
  public void requestStop() {
    if (!stopRequested.getAndSet(true) && console != null) console.println("stop requested: finishing the current step and saving a checkpoint");
  }

  /** True once {@link #requestStop()} was called. */
  public boolean stopRequested() {
    return stopRequested.get();
  }

  /**
   * Waits until a running {@link #run()} has returned (after its final checkpoint), at most {@code
   * timeout}; returns at once when none is running. True when it finished in time.
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    CountDownLatch latch = running;
    return latch == null || latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Registers a JVM shutdown hook (Ctrl-C, SIGTERM) that requests a stop and waits up to {@code
   * grace} for the loop to save its checkpoint. Returns the hook; {@link #run()} unregisters it when
   * it returns normally.
   */
  public Thread installShutdownHook(Duration grace) {
    Thread hook = new Thread(() -> {
      requestStop();
      try {
        awaitFinished(grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "jdistill-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    this.hook = hook;
    return hook;
  }

  // ---- resume -----------------------------------------------------------------------------------

  /**
   * Restores the full state from a checkpoint (a checkpoint folder, a checkpoints folder or a run
   * folder, which mean their last checkpoint) into this freshly built trainer: student weights,
   * extras, optimizer state and schedule position, counters, the data position, the best metric,
   * and the run generator's position. The generator given to this trainer must have the
   * checkpoint's seed and must not be past its position (build the models with it, then resume).
   */
  public void resumeFrom(Path path) throws IOException {
    if (running != null) throw new IllegalStateException("cannot resume while the trainer is running");
    Checkpoint cp = Checkpoint.open(CheckpointStore.resolve(path));
    RunState st = cp.state();
    List<String> names = methodNames();
    if (!names.equals(st.methods())) {
      throw new IllegalArgumentException("checkpoint " + cp.dir() + " was written by a run with methods " + st.methods() + ", this run has " + names);
    }
    try (Scope s = Scope.open()) {
      student.module().loadStateDict(cp.student(), true);
      Map<String, Tensor> extraState = cp.extras();
      if (!extras.isEmpty() || !extraState.isEmpty()) extras.loadStateDict(extraState, true);
      optimizer.loadState(cp.optimizer());
    }
    if (optimizer.stepCount() != st.scheduleStep()) {
      throw new IllegalStateException("checkpoint " + cp.dir() + ": optimizer state has " + optimizer.stepCount() + " steps, trainer.json says " + st.scheduleStep());
    }
    advanceRng(rng, st.rngSeed(), st.rngPosition(), cp.dir());
    data.restore(st.data());
    step = st.step();
    tokensSeen = st.tokensSeen();
    best = st.best();
    lastCheckpoint = cp.dir();
    lastCheckpointStep = step;
    resumed = true;
    if (console != null) console.println("resumed from " + cp.dir() + " at step " + step);
  }

  /**
   * Loads the student's (and the extras') weights of the best checkpoint into the student, e.g.
   * before exporting it; returns that checkpoint's folder, or null when no best was recorded (the
   * student then keeps its current weights). Optimizer state and counters are left alone.
   */
  public Path restoreBest() throws IOException {
    var folder = store.best();
    if (folder.isEmpty()) return null;
    Checkpoint cp = Checkpoint.open(folder.get());
    try (Scope s = Scope.open()) {
      student.module().loadStateDict(cp.student(), true);
      Map<String, Tensor> extraState = cp.extras();
      if (!extras.isEmpty() || !extraState.isEmpty()) extras.loadStateDict(extraState, true);
    }
    return cp.dir();
  }

  /** Moves {@code rng} forward to {@code position} (the engine's Rng has no seek; draws are cheap). */
  static void advanceRng(Rng rng, long seed, long position, Path from) {
    if (rng.seed() != seed) {
      throw new IllegalArgumentException("checkpoint " + from + " was written by a run seeded " + seed + ", this run's generator is seeded " + rng.seed() + "; resume with the same seed");
    }
    if (rng.position() > position) {
      throw new IllegalStateException("the run's generator is at position " + rng.position() + ", past the checkpoint's " + position + " (" + from
          + "); build the models from a fresh generator with the run's seed and draw nothing else from it before resuming");
    }
    while (rng.position() < position) rng.nextLong();
  }

  private List<String> methodNames() {
    List<String> names = new ArrayList<>();
    for (WeightedMethod m : methods) names.add(m.method().name());
    return names;
  }

  // ---- the loop ---------------------------------------------------------------------------------

  /**
   * Trains from the current step to {@code config.steps()}, or until a stop is requested. Always
   * leaves a final checkpoint (unless a non-finite loss ends the run, which throws {@link
   * NonFiniteLossException} naming the last good one).
   */
  public TrainResult run() throws IOException {
    if (running != null) throw new IllegalStateException("the trainer is already running");
    CountDownLatch latch = new CountDownLatch(1);
    running = latch;
    boolean stopped = false;
    StepStats last = null;
    student.module().train();
    extras.train();
    if (teacher != null) teacher.module().eval();
    long windowStart = System.nanoTime();
    LossWindow window = new LossWindow();
    double elapsed = 0;
    try (MetricsLog log = MetricsLog.open(config.metricsFile(), resumed ? step : -1);
        ProgressDisplay progress = ProgressDisplay.open(config.progressBar(), config.steps(), step)) {
      while (step < config.steps()) {
        if (stopRequested.get()) {
          stopped = true;
          if (!window.isEmpty()) {
            double secs = (System.nanoTime() - windowStart) / 1e9;
            StepStats logged = window.mean(last);
            log.train(logged, secs > 0 ? logged.tokens() / secs : 0, elapsed);
          }
          break;
        }
        last = trainStep();
        step++;
        tokensSeen += last.tokens();
        elapsed += last.seconds();
        window.add(last);
        for (Consumer<StepStats> l : listeners) l.accept(last);
        if (step % config.logEvery() == 0 || step == config.steps()) {
          double secs = (System.nanoTime() - windowStart) / 1e9;
          StepStats logged = window.mean(last);
          double tps = secs > 0 ? logged.tokens() / secs : 0;
          log.train(logged, tps, elapsed);
          progress.update(step, logged.loss(), tps);
          window.clear();
          windowStart = System.nanoTime();
        }
        boolean savedBest = false;
        if (evaluator != null && config.evalEvery() > 0 && (step % config.evalEvery() == 0 || step == config.steps())) {
          savedBest = evaluateAndMaybeSaveBest(log);
        }
        if (!savedBest && config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) saveLast();
      }
      if (lastCheckpointStep != step) saveLast();
      if (stopped && console != null) console.println("stopped after step " + step + "; checkpoint " + lastCheckpoint);
    } finally {
      latch.countDown();
      running = null;
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it is waiting for this method to return
        }
        hook = null;
      }
    }
    return new TrainResult(step, stopped, lastCheckpoint, best, lastEval, last);
  }

  /** One optimizer step over k micro-batches; returns its averaged statistics. */
  private StepStats trainStep() {
    long t0 = System.nanoTime();
    long index = step;
    long total = config.steps();
    for (WeightedMethod m : methods) m.method().beginStep(index, total, rng);
    int k = config.microBatches();
    double lossSum = 0;
    Map<String, Double> termSums = new LinkedHashMap<>();
    Map<String, Double> weights = new LinkedHashMap<>();
    long tokens = 0;
    for (int micro = 0; micro < k; micro++) {
      Batch batch = nextBatch();
      tokens += batch.inputIds().numel();
      try (Scope scope = Scope.open()) {
        batch = onDevice(batch);
        TapRecorder teacherTaps = new TapRecorder();
        TapRecorder studentTaps = new TapRecorder();
        boolean needTeacher = false;
        for (WeightedMethod m : methods) {
          needTeacher |= m.method().needsTeacher();
          for (TapRequest r : m.method().taps()) (r.side() == Side.TEACHER ? teacherTaps : studentTaps).request(r.tap(), r.layer());
        }
        ModelOutput teacherOut = null;
        if (needTeacher) {
          try (var g = GradMode.noGrad()) {
            teacherOut = teacher.forward(batch, teacherTaps);
          }
        }
        ModelOutput studentOut = student.forward(batch, studentTaps);
        StepView view = new StepView(batch, teacherOut, studentOut, index, total);
        Tensor loss = null;
        Map<String, Double> values = new LinkedHashMap<>();
        boolean finite = true;
        for (WeightedMethod wm : methods) {
          Method m = wm.method();
          double w = wm.weightAt(view.progress());
          weights.put(m.name(), w);
          Map<String, Tensor> terms = m.losses(view);
          if (terms == null || terms.isEmpty()) throw new IllegalStateException("method '" + m.name() + "' returned no loss terms at step " + index);
          for (var e : terms.entrySet()) {
            Tensor t = e.getValue();
            if (t.numel() != 1) throw new IllegalStateException("method '" + m.name() + "', loss term '" + e.getKey() + "' must be one number, has " + t.numel() + " elements");
            double v = t.item();
            values.put(m.name() + "." + e.getKey(), v);
            finite &= Double.isFinite(v);
            Tensor weighted = t.reshape(1).mul(w); // [1]: the CPU pointwise loop cannot walk rank-0 tensors
            loss = loss == null ? weighted : loss.add(weighted);
          }
        }
        double lossValue = loss.item();
        if (!finite || !Double.isFinite(lossValue)) throw nonFinite("loss is " + lossValue, index, micro, values, weights);
        lossSum += lossValue;
        for (var e : values.entrySet()) termSums.merge(e.getKey(), e.getValue(), Double::sum);
        accumulator.backward(loss);
      }
    }
    double norm = GradClip.globalNorm(trainable);
    if (!Double.isFinite(norm)) {
      Map<String, Double> means = new LinkedHashMap<>();
      for (var e : termSums.entrySet()) means.put(e.getKey(), e.getValue() / k);
      optimizer.zeroGrad();
      throw nonFinite("the gradient norm is " + norm + " (the loss was finite)", index, k - 1, means, weights);
    }
    double scale = config.maxGradNorm() > 0 ? GradClip.scaleFor(norm, config.maxGradNorm()) : 1.0;
    double lr = config.lrSchedule().lr(optimizer.stepCount());
    optimizer.setLr(lr);
    optimizer.step(scale);
    optimizer.zeroGrad();
    Map<String, Double> terms = new LinkedHashMap<>();
    for (var e : termSums.entrySet()) terms.put(e.getKey(), e.getValue() / k);
    return new StepStats(index + 1, data.position().epoch(), lossSum / k, terms, weights, lr, norm, tokens, (System.nanoTime() - t0) / 1e9);
  }

  private Batch nextBatch() {
    return data.next();
  }

  /** The batch on the student's device (tensors moved inside the step's scope). */
  private Batch onDevice(Batch b) {
    Device d = trainable.get(0).device();
    if (b.inputIds().device().equals(d)) return b;
    return new Batch(move(b.inputIds(), d), move(b.attentionMask(), d), move(b.tokenTypeIds(), d), move(b.labels(), d));
  }

  private static Tensor move(Tensor t, Device d) {
    return t == null ? null : t.to(d);
  }

  private NonFiniteLossException nonFinite(String what, long index, int micro, Map<String, Double> terms, Map<String, Double> weights) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "training stopped: %s at step %d (0-based; %d steps had completed), micro-batch %d of %d", what, index, index, micro + 1, config.microBatches()));
    sb.append("\n  loss terms (unweighted):");
    for (var e : terms.entrySet()) {
      String method = e.getKey().substring(0, e.getKey().indexOf('.'));
      sb.append(String.format(Locale.ROOT, "%n    %s = %s (method weight %s)", e.getKey(), e.getValue(), weights.get(method)));
    }
    if (lastCheckpoint != null) {
      sb.append("\n  last good checkpoint: ").append(lastCheckpoint).append(" (step ").append(lastCheckpointStep).append("); resume from it with a lower learning rate or tighter clipping");
    } else {
      sb.append("\n  last good checkpoint: none was written in this run");
    }
    return new NonFiniteLossException(sb.toString(), index, terms, lastCheckpoint);
  }

  // ---- evaluation and checkpoints ---------------------------------------------------------------

  /** Evaluates; on a new best saves a checkpoint and marks it best and last. Returns true when it saved. */
  private boolean evaluateAndMaybeSaveBest(MetricsLog log) throws IOException {
    Map<String, Double> metrics = evaluate();
    log.eval(step, metrics);
    MetricGoal goal = config.bestBy();
    if (goal == null) return false;
    Double value = metrics.get(goal.metric());
    if (value == null) {
      throw new IllegalStateException("the evaluator returned no metric '" + goal.metric() + "' (the best-checkpoint metric); it returned " + metrics.keySet());
    }
    if (best != null && !goal.isBetter(value, best.value())) return false;
    if (best == null && Double.isNaN(value)) return false;
    Path dir = store.dir().resolve(CheckpointStore.folderName(step));
    best = new RunState.Best(goal.metric(), goal.direction(), value, step, dir.getFileName().toString());
    Path saved = writeCheckpoint();
    store.markBest(saved);
    store.markLast(saved);
    store.prune();
    if (console != null) console.printf(Locale.ROOT, "step %d: new best %s = %.6g, checkpoint %s%n", step, goal.metric(), value, saved);
    return true;
  }

  /** Runs the evaluator with the student (and extras) in eval mode, recording off, inside a scope. */
  public Map<String, Double> evaluate() {
    if (evaluator == null) return Map.of();
    student.module().eval();
    extras.eval();
    Map<String, Double> metrics;
    try (var g = GradMode.noGrad(); var s = Scope.open()) {
      metrics = evaluator.evaluate(student, step);
    } finally {
      student.module().train();
      extras.train();
    }
    if (metrics == null) throw new IllegalStateException("the evaluator returned null at step " + step);
    lastEval = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    return lastEval;
  }

  private void saveLast() throws IOException {
    Path saved = writeCheckpoint();
    store.markLast(saved);
    store.prune();
  }

  private Path writeCheckpoint() throws IOException {
    RunState st = new RunState(RunState.FORMAT, step, config.steps(), data.position(), rng.seed(), rng.position(), optimizer.stepCount(), optimizer.lr(), tokensSeen, methodNames(), best);
    Path saved;
    try (Scope s = Scope.open()) {
      saved = store.save(student.module().stateDict(), extras.stateDict(), optimizer.state(), st);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    lastCheckpoint = saved;
    lastCheckpointStep = step;
    return saved;
  }
}
