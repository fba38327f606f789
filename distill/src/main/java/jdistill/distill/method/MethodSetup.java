package jdistill.distill.method;

import jdistill.distill.core.DistillModel;
import jdistill.engine.Rng;

/** What a method is built against: the two models (for widths and layer counts) and the run's generator. */
public record MethodSetup(DistillModel teacher, DistillModel student, Rng rng) {}
