package jdistill.distill.metrics;

/** One metric's value after an evaluation; NaN where the metric is undefined (see the metric). */
public record MetricResult(String name, double value) {}
