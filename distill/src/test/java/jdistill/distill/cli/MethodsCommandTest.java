package jdistill.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MethodsCommandTest {

  private static MethodFactory fake(String name, String summary, OptionSpec... options) {
    MethodInfo info = new MethodInfo(name, summary, List.of(options));
    return new MethodFactory() {
      @Override
      public MethodInfo info() {
        return info;
      }

      @Override
      public Method create(MethodOptions o, MethodSetup setup) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static final List<MethodFactory> FAKES = List.of(
      fake("kd", "Soft-label KL plus hard-label cross-entropy.",
          new OptionSpec("temperature", "double", 4.0, "Softmax temperature."),
          new OptionSpec("alpha", "double", 0.5, "Weight of the soft loss.")),
      fake("pkd", "Patient KD on normalised [CLS] states.",
          new OptionSpec("layer_map", "layer-map", "skip", "Layer mapping."),
          new OptionSpec("layers", "int-list", List.of(1, 3), "Teacher layers."),
          new OptionSpec("note", "string", null, "Free text.")),
      fake("theseus", "Module replacement."));

  /** Runs the command; returns {exit code, stdout, stderr}. */
  private static Object[] run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  @Test
  void listsEveryMethodWithItsOptions() {
    Object[] r = run(new CommandLine(new MethodsCommand(() -> FAKES)));
    assertEquals(0, r[0]);
    assertEquals("""
        3 methods. Combine them by name and weight under 'methods:' in a config; 'jdistill methods NAME' shows one.

        kd       Soft-label KL plus hard-label cross-entropy.
                 temperature  double     4.0     Softmax temperature.
                 alpha        double     0.5     Weight of the soft loss.
        pkd      Patient KD on normalised [CLS] states.
                 layer_map    layer-map  skip    Layer mapping.
                 layers       int-list   [1, 3]  Teacher layers.
                 note         string     (none)  Free text.
        theseus  Module replacement.
                 (no options)
        """, r[1]);
    assertEquals("", r[2]);
  }

  @Test
  void showsOneMethodWithAConfigSnippet() {
    Object[] r = run(new CommandLine(new MethodsCommand(() -> FAKES)), "pkd");
    assertEquals(0, r[0]);
    assertEquals("""
        pkd: Patient KD on normalised [CLS] states.

        Options:
          layer_map  layer-map  default skip    Layer mapping.
          layers     int-list   default [1, 3]  Teacher layers.
          note       string     default (none)  Free text.

        In a config:
          methods:
            - name: pkd
              weight: 1.0
              options: {layer_map: skip, layers: [1, 3]}
        """, r[1]);
    String theseus = (String) run(new CommandLine(new MethodsCommand(() -> FAKES)), "theseus")[1];
    assertTrue(theseus.contains("Options: none.\n"), theseus);
    assertTrue(theseus.endsWith("    - name: theseus\n      weight: 1.0\n"), theseus);
  }

  @Test
  void unknownNameListsTheValidOnes() {
    Object[] r = run(new CommandLine(new MethodsCommand(() -> FAKES)), "kdd");
    assertEquals(2, r[0]);
    assertEquals("", r[1]);
    assertEquals("unknown method 'kdd'; valid methods: kd, pkd, theseus" + System.lineSeparator(), r[2]);
  }

  @Test
  void isASubcommandOfJdistillAndUsesTheRegistry() {
    CommandLine cli = Main.commandLine();
    assertTrue(cli.getSubcommands().containsKey("methods"));
    Object[] list = run(cli, "methods");
    assertEquals(0, list[0]);
    assertEquals(MethodsCommand.list(MethodRegistry.all()), list[1]);
    Object[] unknown = run(Main.commandLine(), "methods", "no-such-method");
    assertEquals(2, unknown[0]);
    assertTrue(((String) unknown[2]).startsWith("unknown method 'no-such-method'; valid methods: "), (String) unknown[2]);
  }

  @Test
  void emptyListSaysSo() {
    assertEquals("No distillation methods are registered.\n", MethodsCommand.list(List.of()));
    assertEquals("(none registered)", MethodsCommand.names(List.of()));
  }
}
