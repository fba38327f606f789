package jdistill.distill.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jdistill.distill.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdistill demo}: the self-contained distillation run on generated data (see {@link Demo}).
 * Exit code 0 when the student keeps 97% of the teacher's accuracy with at most half its
 * parameters at twice its speed, 1 when one of these does not hold.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Generate a sentiment task that needs more than a bag of words, fine-tune a small BERT teacher on it, distil a student with a sixth of "
        + "its parameters, and compare them (CPU, no downloads, a few minutes).",
        "The data, tokenizer and config are written to the output folder first; 'jdistill distill --config <output>/demo.yaml --overwrite' repeats the run."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--output", defaultValue = "runs/demo", description = "Folder for the data, the config, the report and the student (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--seed", description = "Random seed of the data, models and training (default: 7).")
  Long seed;

  @Option(names = "--teacher-epochs", description = "Epochs of fine-tuning the teacher (default: 2).")
  Integer teacherEpochs;

  @Option(names = "--student-epochs", description = "Epochs of distillation (default: 2).")
  Integer studentEpochs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Demo.Settings d = Demo.Settings.defaults();
    if (seed != null) d = d.withSeed(seed);
    d = d.withEpochs(teacherEpochs != null ? teacherEpochs : d.teacherEpochs(), studentEpochs != null ? studentEpochs : d.studentEpochs());
    PrintWriter w = spec.commandLine().getOut();
    PrintStream out = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        w.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        w.write(new String(b, off, len, StandardCharsets.UTF_8));
      }

      @Override
      public void flush() {
        w.flush();
      }
    }, true, StandardCharsets.UTF_8);
    Demo.Outcome o = new Demo(d, out).run(output);
    out.flush();
    return o.passed() ? 0 : 1;
  }
}
