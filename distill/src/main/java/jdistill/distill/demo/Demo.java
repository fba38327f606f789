package jdistill.distill.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdistill.engine.F;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.ops.Reduction;
import jdistill.engine.optim.AdamW;
import jdistill.engine.optim.GradClip;
import jdistill.engine.optim.LrSchedule;
import jdistill.engine.optim.ParamGroup;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/**
 * The self-contained demonstration: generates a corpus, trains a small GPT-2 teacher on it,
 * distils a student half its size with soft-label KD (T^2 KL at temperature T mixed with the
 * causal-LM loss), trains the same student without the teacher as a baseline, and compares the
 * three on held-out text: perplexity, next-token agreement with the teacher, parameters and
 * measured inference speed. Everything runs on the CPU with no downloads.
 */
public final class Demo {

  /** Sizes and schedule of a demo run. */
  public record Settings(long seed, int sentences, int seqLen, int batch, int teacherSteps, int studentSteps, double temperature, double alpha) {
    public static Settings defaults() {
      return new Settings(7, 6000, 48, 16, 500, 500, 2.0, 0.5);
    }
  }

  /** Held-out figures of one model. */
  public record Evaluation(String name, long parameters, double perplexity, double agreement, double tokensPerSecond) {}

  private final Settings s;
  private final PrintStream out;
  private final Rng rng;
  private final long[] trainIds;
  private final long[] heldOutIds;
  private final int vocab;

  public Demo(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    this.rng = new Rng(settings.seed());
    List<String> corpus = SyntheticCorpus.sentences(rng, settings.sentences());
    CharVocabulary v = CharVocabulary.of(corpus);
    this.vocab = v.size();
    int split = corpus.size() * 9 / 10;
    this.trainIds = encode(corpus.subList(0, split), v);
    this.heldOutIds = encode(corpus.subList(split, corpus.size()), v);
  }

  private static long[] encode(List<String> lines, CharVocabulary v) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) sb.append(l).append(' ');
    long[] ids = new long[sb.length()];
    for (int i = 0; i < ids.length; i++) ids[i] = v.id(sb.charAt(i));
    return ids;
  }

  /** Runs the whole demo and writes the report into {@code outputDir}; returns the evaluations. */
  public List<Evaluation> run(Path outputDir) throws IOException {
    TransformerConfig teacherConfig = new TransformerConfig(vocab, 64, 0, 96, 4, 4, 384, 1e-5, Activation.GELU_TANH, 0, 0);
    TransformerConfig studentConfig = teacherConfig.withSize(2, 64, 4, 256);
    out.printf(Locale.ROOT, "corpus: %d training and %d held-out characters, vocabulary %d%n", trainIds.length, heldOutIds.length, vocab);

    Gpt2 teacher = new Gpt2(teacherConfig, rng);
    out.printf(Locale.ROOT, "training the teacher (%d layers x %d wide, %,d parameters) for %d steps%n", teacherConfig.layers(), teacherConfig.hidden(), teacher.numParameters(), s.teacherSteps());
    train(teacher, null, s.teacherSteps(), "teacher");

    Gpt2 student = new Gpt2(studentConfig, new Rng(s.seed() + 1));
    out.printf(Locale.ROOT, "distilling into a student (%d layers x %d wide, %,d parameters) for %d steps: %.2f * CE + %.2f * T^2 KL, T = %.1f%n",
        studentConfig.layers(), studentConfig.hidden(), student.numParameters(), s.studentSteps(), 1 - s.alpha(), s.alpha(), s.temperature());
    train(student, teacher, s.studentSteps(), "student (KD)");

    Gpt2 baseline = new Gpt2(studentConfig, new Rng(s.seed() + 1));
    out.printf(Locale.ROOT, "training the same student without the teacher for %d steps (baseline)%n", s.studentSteps());
    train(baseline, null, s.studentSteps(), "student (no KD)");

    List<Evaluation> results = new ArrayList<>();
    results.add(evaluate("teacher", teacher, teacher));
    results.add(evaluate("student (KD)", student, teacher));
    results.add(evaluate("student (no KD)", baseline, teacher));
    printTable(results);
    writeReport(outputDir, results, teacherConfig, studentConfig);
    return results;
  }

  private void train(Gpt2 model, Gpt2 teacher, int steps, String label) {
    model.train();
    AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(model, 0.01), AdamW.Config.of(3e-3));
    LrSchedule schedule = LrSchedule.cosine(3e-3, steps / 10, steps, 0.1);
    Rng batches = new Rng(s.seed() * 31 + steps);
    long start = System.nanoTime();
    double smoothed = Double.NaN;
    for (int step = 0; step < steps; step++) {
      try (Scope scope = Scope.open()) {
        Tensor[] xy = batch(trainIds, batches);
        Tensor logits = model.forward(xy[0]);
        Tensor loss = F.crossEntropy(logits, xy[1]);
        if (teacher != null) {
          Tensor teacherLogits;
          try (var g = GradMode.noGrad()) {
            teacherLogits = teacher.forward(xy[0]);
          }
          Tensor kd = F.klDiv(logits, teacherLogits, s.temperature(), null);
          loss = loss.mul(1 - s.alpha()).add(kd.mul(s.alpha()));
        }
        loss.backward();
        double norm = GradClip.globalNorm(model.parameters());
        opt.setLr(schedule.lr(step));
        opt.step(GradClip.scaleFor(norm, 1.0));
        opt.zeroGrad();
        double l = loss.item();
        if (!Double.isFinite(l)) throw new IllegalStateException(label + ": loss became " + l + " at step " + step);
        smoothed = Double.isNaN(smoothed) ? l : 0.95 * smoothed + 0.05 * l;
      }
      if ((step + 1) % Math.max(1, steps / 5) == 0) {
        double secs = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "  %-16s step %4d/%d  loss %.3f  %.0f tokens/s%n", label, step + 1, steps, smoothed, (step + 1.0) * s.batch() * s.seqLen() / secs);
      }
    }
    model.eval();
  }

  private Tensor[] batch(long[] ids, Rng r) {
    int b = s.batch();
    int len = s.seqLen();
    long[] x = new long[b * len];
    long[] y = new long[b * len];
    for (int i = 0; i < b; i++) {
      int start = r.nextInt(ids.length - len - 1);
      System.arraycopy(ids, start, x, i * len, len);
      System.arraycopy(ids, start + 1, y, i * len, len);
    }
    return new Tensor[] {Tensor.ofLongs(x, b, len), Tensor.ofLongs(y, b, len)};
  }

  private Evaluation evaluate(String name, Gpt2 model, Gpt2 teacher) {
    int len = s.seqLen();
    int windows = Math.min(64, (heldOutIds.length - 1) / len);
    double nll = 0;
    long agree = 0;
    long tokens = 0;
    try (var g = GradMode.noGrad()) {
      for (int w = 0; w < windows; w += 16) {
        int b = Math.min(16, windows - w);
        long[] x = new long[b * len];
        long[] y = new long[b * len];
        for (int i = 0; i < b; i++) {
          System.arraycopy(heldOutIds, (w + i) * len, x, i * len, len);
          System.arraycopy(heldOutIds, (w + i) * len + 1, y, i * len, len);
        }
        try (Scope scope = Scope.open()) {
          Tensor xs = Tensor.ofLongs(x, b, len);
          Tensor logits = model.forward(xs);
          nll += F.crossEntropy(logits, Tensor.ofLongs(y, b, len), Long.MIN_VALUE, 0, Reduction.SUM).item();
          long[] mine = logits.argmax(-1, false).toLongArray();
          long[] theirs = model == teacher ? mine : teacher.forward(xs).argmax(-1, false).toLongArray();
          for (int i = 0; i < mine.length; i++) if (mine[i] == theirs[i]) agree++;
          tokens += (long) b * len;
        }
      }
    }
    return new Evaluation(name, model.numParameters(), Math.exp(nll / tokens), (double) agree / tokens, tokensPerSecond(model));
  }

  /** Inference speed: forward passes over one batch, after warm-up passes, best of five rounds. */
  private double tokensPerSecond(Gpt2 model) {
    Tensor xs = batch(heldOutIds, new Rng(s.seed()))[0];
    double best = 0;
    try (var g = GradMode.noGrad()) {
      for (int round = 0; round < 8; round++) {
        try (Scope scope = Scope.open()) {
          long t0 = System.nanoTime();
          for (int i = 0; i < 4; i++) model.forward(xs);
          double secs = (System.nanoTime() - t0) / 1e9;
          if (round >= 3) best = Math.max(best, 4.0 * xs.numel() / secs);
        }
      }
    }
    return best;
  }

  private void printTable(List<Evaluation> results) {
    out.println();
    out.printf(Locale.ROOT, "%-16s %12s %12s %12s %14s%n", "model", "parameters", "perplexity", "agreement", "tokens/s");
    for (Evaluation e : results) {
      out.printf(Locale.ROOT, "%-16s %,12d %12.3f %11.1f%% %,14.0f%n", e.name(), e.parameters(), e.perplexity(), 100 * e.agreement(), e.tokensPerSecond());
    }
  }

  private void writeReport(Path dir, List<Evaluation> results, TransformerConfig teacher, TransformerConfig student) throws IOException {
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder("# jdistill demo report\n\n");
    md.append(String.format(Locale.ROOT, "Seed %d. Teacher: GPT-2, %d layers x %d wide. Student: %d layers x %d wide. KD: %.2f x causal-LM CE + %.2f x T^2 KL at T = %.1f.%n%n",
        s.seed(), teacher.layers(), teacher.hidden(), student.layers(), student.hidden(), 1 - s.alpha(), s.alpha(), s.temperature()));
    md.append("| model | parameters | held-out perplexity | next-token agreement with teacher | tokens/s (measured here) |\n|---|---:|---:|---:|---:|\n");
    for (Evaluation e : results) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %.1f%% | %,.0f |%n", e.name(), e.parameters(), e.perplexity(), 100 * e.agreement(), e.tokensPerSecond()));
    }
    Path tmp = Files.createTempFile(dir, "report", ".md.tmp");
    Files.writeString(tmp, md);
    Files.move(tmp, dir.resolve("report.md"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    out.println();
    out.println("report written to " + dir.resolve("report.md"));
  }
}
