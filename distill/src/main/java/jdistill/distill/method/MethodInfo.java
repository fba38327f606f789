package jdistill.distill.method;

import java.util.List;

/** What {@code jdistill methods} lists for a method: name, summary, options with defaults. */
public record MethodInfo(String name, String summary, List<OptionSpec> options) {}
