package jdistill.distill.method.builtin;

import jdistill.distill.core.DistillModel;
import jdistill.engine.Device;
import jdistill.engine.Rng;
import jdistill.engine.nn.Linear;
import jdistill.engine.nn.Module;
import jdistill.engine.nn.Parameter;

/**
 * A method's trainable projections (student width to teacher width), returned by {@code
 * extras()}: trained with the student and dropped when the student is exported.
 */
final class Projections extends Module {

  /** Adds a {@code Linear(in, out)} with bias under {@code name}, on the student's device. */
  Linear add(String name, int in, int out, Rng rng, DistillModel student) {
    if (rng == null) throw new IllegalArgumentException("projection '" + name + "' needs the run's random generator, but the method setup has none");
    Linear l = registerModule(name, new Linear(in, out, true, rng));
    Device d = deviceOf(student);
    if (d != null) l.to(d);
    return l;
  }

  private static Device deviceOf(DistillModel model) {
    if (model == null || model.module() == null) return null;
    for (Parameter p : model.module().parameters()) return p.tensor().device();
    return null;
  }
}
