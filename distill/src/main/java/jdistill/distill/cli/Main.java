package jdistill.distill.cli;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdistill} command line: the root command and its subcommands. */
@Command(
    name = "jdistill",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Knowledge distillation for transformer language models, in Java from the tensor up.",
    subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, DistillCommand.class, TokenizeCommand.class, ImportOnnxCommand.class,
        MethodsCommand.class, ForwardCommand.class, GenerateCommand.class})
public final class Main implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Builds the command line with every subcommand, including those other modules contribute. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
      cli.addSubcommand(provider.name(), provider.create());
    }
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
