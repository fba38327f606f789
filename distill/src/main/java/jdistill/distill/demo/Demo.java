package jdistill.distill.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import jdistill.distill.experiment.Experiment;
import jdistill.distill.experiment.ExperimentOptions;
import jdistill.distill.experiment.ExperimentResult;
import jdistill.engine.Rng;
import jdistill.models.bert.Bert;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.WordPieceTrainer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/**
 * The self-contained demonstration, on the same path as {@code jdistill distill}: it generates a
 * sentiment task that needs more than a bag of words ({@link SentimentGrammar}), trains a
 * WordPiece tokenizer on generated text, writes an untrained BERT as the teacher's base model, and
 * writes a config ({@code demo.yaml}) that fine-tunes that BERT on the task as the teacher and
 * distils a student with a fraction of its parameters. Then it runs the config as an {@link
 * Experiment} and checks three claims on the held-out data, as measured in the run: the student
 * keeps at least 97% of the teacher's accuracy with at most half its parameters at least twice
 * as fast. CPU only, no downloads.
 */
public final class Demo {

  /** Accuracy the student must keep, as a share of the teacher's. */
  public static final double MIN_ACCURACY_RATIO = 0.97;
  /** Most parameters the student may have, as a share of the teacher's. */
  public static final double MAX_PARAMETER_RATIO = 0.5;
  /** Least speed-up of the student over the teacher. */
  public static final double MIN_SPEED_RATIO = 2.0;

  /** A BERT's depth, width (the feed-forward layer is 4 times wider) and attention heads. */
  public record Shape(int layers, int hidden, int heads) {}

  /**
   * Sizes and schedule of a demo run.
   *
   * @param seed seeds the data, the tokenizer corpus, the models and the training
   * @param trainExamples training reviews
   * @param evalExamples held-out reviews the figures are measured on
   * @param tokenizerSentences unlabelled reviews the tokenizer is trained on
   * @param vocabSize the tokenizer's vocabulary
   * @param teacher the teacher's shape
   * @param student the student's shape
   * @param teacherEpochs epochs of fine-tuning the teacher
   * @param studentEpochs epochs of distillation
   * @param teacherLr the teacher's learning rate
   * @param studentLr the student's learning rate
   * @param batchSize examples per batch
   */
  public record Settings(long seed, int trainExamples, int evalExamples, int tokenizerSentences, int vocabSize, Shape teacher, Shape student, int teacherEpochs,
      int studentEpochs, double teacherLr, double studentLr, int batchSize) {

    /** The full demo: a 4 x 128 BERT teacher and a fresh 2 x 64 student (about a sixth of its parameters). */
    public static Settings defaults() {
      return new Settings(7, 16000, 1000, 4000, 800, new Shape(4, 128, 4), new Shape(2, 64, 2), 2, 2, 3e-4, 1e-3, 32);
    }

    /** The same with another seed. */
    public Settings withSeed(long s) {
      return new Settings(s, trainExamples, evalExamples, tokenizerSentences, vocabSize, teacher, student, teacherEpochs, studentEpochs, teacherLr, studentLr, batchSize);
    }

    /** The same with other epoch counts. */
    public Settings withEpochs(int t, int s) {
      return new Settings(seed, trainExamples, evalExamples, tokenizerSentences, vocabSize, teacher, student, t, s, teacherLr, studentLr, batchSize);
    }
  }

  /**
   * What the demo found.
   *
   * @param result the experiment's result (teacher and student facts, report, exported student)
   * @param accuracyRatio student accuracy / teacher accuracy on the held-out reviews
   * @param parameterRatio student parameters / teacher parameters
   * @param speedRatio student tokens/s / teacher tokens/s, measured in the run
   */
  public record Outcome(ExperimentResult result, double accuracyRatio, double parameterRatio, double speedRatio) {

    public boolean accuracyHolds() {
      return accuracyRatio >= MIN_ACCURACY_RATIO;
    }

    public boolean parametersHold() {
      return parameterRatio <= MAX_PARAMETER_RATIO;
    }

    public boolean speedHolds() {
      return speedRatio >= MIN_SPEED_RATIO;
    }

    /** True when all three claims hold. */
    public boolean passed() {
      return accuracyHolds() && parametersHold() && speedHolds();
    }
  }

  private final Settings s;
  private final PrintStream out;

  public Demo(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  /** Writes the data, tokenizer, base model and config into {@code dir}, runs the experiment there and prints the checks. */
  public Outcome run(Path dir) throws IOException {
    Files.createDirectories(dir);
    out.println("jdistill demo: distilling a sentiment classifier, all on this machine (no downloads)");
    Path config = prepare(dir);
    out.println("wrote " + dir.resolve("data") + " (generated reviews), " + dir.resolve("tokenizer") + ", " + dir.resolve("untrained-bert") + " and the config " + config);
    out.println();
    ExperimentResult r = Experiment.load(config, List.of(), new ExperimentOptions(null, false, true, out, false)).run();
    if (r.stopped()) throw new IllegalStateException("the demo was stopped before it finished");
    double acc = r.metricRatio("accuracy");
    Outcome o = new Outcome(r, acc, r.parameterRatio(), r.speedRatio());
    out.println();
    out.printf(Locale.ROOT, "teacher: accuracy %.4f, %,d parameters, %,.0f tokens/s%n", r.teacher().metrics().get("accuracy"), r.teacher().parameters(), r.teacher().speed().tokensPerSecond());
    out.printf(Locale.ROOT, "student: accuracy %.4f, %,d parameters, %,.0f tokens/s, agrees with the teacher on %.1f%% of the held-out reviews%n",
        r.student().metrics().get("accuracy"), r.student().parameters(), r.student().speed().tokensPerSecond(), 100 * r.student().metrics().getOrDefault("agreement", Double.NaN));
    out.printf(Locale.ROOT, "  accuracy kept:   %6.1f%% of the teacher's (needs >= %.0f%%)   %s%n", 100 * acc, 100 * MIN_ACCURACY_RATIO, mark(o.accuracyHolds()));
    out.printf(Locale.ROOT, "  parameters:      %6.1f%% of the teacher's (needs <= %.0f%%)   %s%n", 100 * o.parameterRatio(), 100 * MAX_PARAMETER_RATIO, mark(o.parametersHold()));
    out.printf(Locale.ROOT, "  speed:           %6.2fx the teacher's    (needs >= %.1fx)   %s%n", o.speedRatio(), MIN_SPEED_RATIO, mark(o.speedHolds()));
    out.println("report: " + r.report());
    return o;
  }

  private static String mark(boolean ok) {
    return ok ? "PASS" : "FAIL";
  }

  /** The demo's inputs in {@code dir}; returns the config file. */
  Path prepare(Path dir) throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    writeJsonl(data.resolve("train.jsonl"), SentimentGrammar.reviews(s.seed(), s.trainExamples()));
    writeJsonl(data.resolve("eval.jsonl"), SentimentGrammar.reviews(s.seed() + 1_000_003, s.evalExamples()));
    List<String> corpus = SentimentGrammar.tokenizerCorpus(s.seed() + 2_000_003, s.tokenizerSentences());
    Files.write(data.resolve("tokenizer-corpus.txt"), corpus, StandardCharsets.UTF_8);

    Tokenizer tokenizer = new WordPieceTrainer(s.vocabSize(), 2, WordPieceTrainer.BERT_SPECIAL_TOKENS, true, 1000).train(data.resolve("tokenizer-corpus.txt"));
    Path tokDir = dir.resolve("tokenizer");
    Files.createDirectories(tokDir);
    tokenizer.save(tokDir.resolve("tokenizer.json"));

    Shape t = s.teacher();
    TransformerConfig c = new TransformerConfig(tokenizer.vocabSize(), 64, 2, t.hidden(), t.layers(), t.heads(), 4 * t.hidden(), 1e-12, Activation.GELU_ERF, 0.0, 0.0);
    HfCheckpoint.save(new Bert(c, true, new Rng(s.seed())), dir.resolve("untrained-bert"));

    Path config = dir.resolve("demo.yaml");
    Files.writeString(config, config(), StandardCharsets.UTF_8);
    return config;
  }

  /** The demo's experiment, as a user would write it. */
  String config() {
    Shape st = s.student();
    return String.format(Locale.ROOT, """
        # jdistill demo: written by 'jdistill demo'; run it again with
        #   jdistill distill --config %s --overwrite
        # The teacher is an untrained BERT fine-tuned on the task first (task_teacher);
        # the student is a fresh, smaller BERT distilled from it with soft targets, hard labels and
        # MiniLMv2's self-attention relations (query-query, key-key, value-value of the last layers,
        # in 16 relation heads so that the 64- and 128-wide models compare): without them a fresh
        # student can sit at chance for hundreds of steps before it finds the attention the task needs.
        teacher:
          task_teacher: {base: untrained-bert, epochs: %d, lr: %s}
        student:
          fresh: {layers: %d, hidden: %d, heads: %d}
        task: {type: sequence_classification}
        data:
          train: data/train.jsonl
          eval: data/eval.jsonl
          tokenizer: tokenizer/tokenizer.json
          columns: {text: text, label: label}
          max_length: 48
          batch_size: %d
          bucketing: true
        methods:
          - {name: kd, weight: 1.0, options: {temperature: 2.0, alpha: 1.0}}
          - {name: hard, weight: 0.5}
          - {name: minilmv2, weight: 1.0, options: {relation_heads: 16}}
        optimizer: {lr: %s, warmup_ratio: 0.06, schedule: linear}
        training: {epochs: %d, seed: %d, log_every: 50, output: .}
        evaluation: {metrics: [accuracy, macro_f1, agreement]}
        """, "demo.yaml", s.teacherEpochs(), s.teacherLr(), st.layers(), st.hidden(), st.heads(), s.batchSize(), s.studentLr(), s.studentEpochs(), s.seed());
  }

  private static void writeJsonl(Path file, List<SentimentGrammar.Review> reviews) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (SentimentGrammar.Review r : reviews) sb.append("{\"text\": \"").append(r.text()).append("\", \"label\": \"").append(r.label()).append("\"}\n");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }
}
