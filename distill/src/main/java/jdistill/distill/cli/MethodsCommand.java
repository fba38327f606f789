package jdistill.distill.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.OptionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdistill methods [NAME]}: the registered distillation methods with their options, types and defaults. */
@Command(
    name = "methods",
    mixinStandardHelpOptions = true,
    description = {
      "Lists every distillation method with its summary and options (name, type, default, meaning).",
      "With NAME, shows one method and how to use it in a config."
    })
public final class MethodsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A method name, e.g. kd.")
  String name;

  private final Supplier<List<MethodFactory>> methods;

  /** Lists the built-in methods of {@link MethodRegistry}. */
  public MethodsCommand() {
    this(MethodRegistry::all);
  }

  /** Lists the methods {@code methods} supplies (tests, embedding). */
  public MethodsCommand(Supplier<List<MethodFactory>> methods) {
    this.methods = methods;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<MethodFactory> all = methods.get();
    if (name == null) {
      out.print(list(all));
    } else {
      MethodFactory found = null;
      for (MethodFactory f : all) if (f.info().name().equals(name)) found = f;
      if (found == null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("unknown method '" + name + "'; valid methods: " + names(all));
        err.flush();
        return 2;
      }
      out.print(describe(found.info()));
    }
    out.flush();
    return 0;
  }

  /** The valid names, comma separated, or "(none registered)". */
  static String names(List<MethodFactory> methods) {
    List<String> names = new ArrayList<>();
    for (MethodFactory f : methods) names.add(f.info().name());
    return names.isEmpty() ? "(none registered)" : String.join(", ", names);
  }

  /** The listing of every method: name and summary, then one indented line per option. */
  public static String list(List<MethodFactory> methods) {
    if (methods.isEmpty()) return "No distillation methods are registered.\n";
    int nameWidth = 0;
    int optWidth = 0;
    int typeWidth = 0;
    int defWidth = 0;
    for (MethodFactory f : methods) {
      MethodInfo info = f.info();
      nameWidth = Math.max(nameWidth, info.name().length());
      for (OptionSpec o : info.options()) {
        optWidth = Math.max(optWidth, o.name().length());
        typeWidth = Math.max(typeWidth, o.type().length());
        defWidth = Math.max(defWidth, value(o.defaultValue()).length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(methods.size()).append(methods.size() == 1 ? " method" : " methods")
        .append(". Combine them by name and weight under 'methods:' in a config; 'jdistill methods NAME' shows one.\n\n");
    String indent = " ".repeat(nameWidth + 2);
    for (MethodFactory f : methods) {
      MethodInfo info = f.info();
      b.append(pad(info.name(), nameWidth)).append("  ").append(info.summary()).append('\n');
      if (info.options().isEmpty()) b.append(indent).append("(no options)\n");
      for (OptionSpec o : info.options()) {
        b.append(indent).append(pad(o.name(), optWidth)).append("  ").append(pad(o.type(), typeWidth)).append("  ")
            .append(pad(value(o.defaultValue()), defWidth)).append("  ").append(o.description()).append('\n');
      }
    }
    return b.toString();
  }

  /** One method in full: summary, options with defaults, and a config snippet using it. */
  public static String describe(MethodInfo info) {
    StringBuilder b = new StringBuilder();
    b.append(info.name()).append(": ").append(info.summary()).append("\n\n");
    if (info.options().isEmpty()) {
      b.append("Options: none.\n");
    } else {
      int w = 0;
      int tw = 0;
      int dw = 0;
      for (OptionSpec o : info.options()) {
        w = Math.max(w, o.name().length());
        tw = Math.max(tw, o.type().length());
        dw = Math.max(dw, value(o.defaultValue()).length());
      }
      b.append("Options:\n");
      for (OptionSpec o : info.options()) {
        b.append("  ").append(pad(o.name(), w)).append("  ").append(pad(o.type(), tw)).append("  default ")
            .append(pad(value(o.defaultValue()), dw)).append("  ").append(o.description()).append('\n');
      }
    }
    b.append("\nIn a config:\n  methods:\n    - name: ").append(info.name()).append("\n      weight: 1.0\n");
    List<String> opts = new ArrayList<>();
    for (OptionSpec o : info.options()) {
      if (o.defaultValue() != null) opts.add(o.name() + ": " + yaml(o.defaultValue()));
    }
    if (!opts.isEmpty()) b.append("      options: {").append(String.join(", ", opts)).append("}\n");
    return b.toString();
  }

  /** A default as shown in the listing; "(none)" when there is none. */
  static String value(Object v) {
    if (v == null) return "(none)";
    if (v instanceof String s && s.isEmpty()) return "\"\"";
    return v.toString();
  }

  /** A default as a YAML flow value. */
  private static String yaml(Object v) {
    if (v instanceof String s) return s.matches("[A-Za-z0-9_./+-]+") ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) parts.add(yaml(o));
      return "[" + String.join(", ", parts) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      for (var e : m.entrySet()) parts.add(e.getKey() + ": " + yaml(e.getValue()));
      return "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(v);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
