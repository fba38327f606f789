package jdistill.engine.cpu;

import jdistill.engine.Tensor;
import jdistill.engine.backend.Backend.AdamWHyper;

/** The fused AdamW update of the CPU backend (in double per element, written back in place). */
final class CpuAdamW {

  private CpuAdamW() {}

  static void step(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor master, AdamWHyper h) {
    Tensor w = master != null ? master : param;
    Access.Reader rw = Access.reader(w);
    Access.Writer ww = Access.writer(w);
    Access.Writer wp = master != null ? Access.writer(param) : null;
    Access.Reader rg = Access.reader(grad);
    Access.Reader rm = Access.reader(m);
    Access.Writer wm = Access.writer(m);
    Access.Reader rv = Access.reader(v);
    Access.Writer wv = Access.writer(v);
    int n = Math.toIntExact(param.numel());
    int wo = Math.toIntExact(w.offset());
    int po = Math.toIntExact(param.offset());
    int go = Math.toIntExact(grad.offset());
    int mo = Math.toIntExact(m.offset());
    int vo = Math.toIntExact(v.offset());
    double bc1 = 1 - Math.pow(h.beta1(), h.step());
    double bc2 = 1 - Math.pow(h.beta2(), h.step());
    Parallel.forRange(n, 16384, (from, to) -> {
      for (int i = from; i < to; i++) {
        double g = rg.get(go + i) * h.gradScale();
        double mi = h.beta1() * rm.get(mo + i) + (1 - h.beta1()) * g;
        double vi = h.beta2() * rv.get(vo + i) + (1 - h.beta2()) * g * g;
        wm.set(mo + i, mi);
        wv.set(vo + i, vi);
        double wi = rw.get(wo + i);
        wi -= h.lr() * (mi / bc1 / (Math.sqrt(vi / bc2) + h.eps()) + h.weightDecay() * wi);
        ww.set(wo + i, wi);
        if (wp != null) wp.set(po + i, wi);
      }
    });
  }
}
