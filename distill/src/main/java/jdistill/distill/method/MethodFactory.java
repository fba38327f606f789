package jdistill.distill.method;

/** Creates a method from validated options; one per registered method name. */
public interface MethodFactory {

  /** Name, summary and options, as {@code jdistill methods} shows them. */
  MethodInfo info();

  /** A new method instance for one run. */
  Method create(MethodOptions options, MethodSetup setup);
}
