package jdistill.distill.cli;

/**
 * Contributes a subcommand to {@code jdistill} from a module the command line does not depend on
 * (the benchmarks, for example). Implementations are found through {@link java.util.ServiceLoader}.
 */
public interface SubcommandProvider {

  /** The subcommand's name, as typed after {@code jdistill}. */
  String name();

  /** A new picocli command object (annotated with {@code @Command}). */
  Object create();
}
