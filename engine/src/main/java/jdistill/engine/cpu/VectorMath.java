package jdistill.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions and lane sums over float vectors built only from IEEE-exact vector
 * operations (add, mul, fma, conversions, bit shifts), so that results do not depend on whether
 * the JIT has compiled the code: the Vector API's own EXP/TANH and {@code reduceLanes(ADD)} may
 * give different bits in interpreted and compiled code, which would break bit-identical runs.
 */
final class VectorMath {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float EXP_MAX = 88.72283f;
  private static final float EXP_MIN = -87.33654f;

  private VectorMath() {}

  /** e^x per lane (Cephes-style range reduction and polynomial; within 2 ulp of expf). */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector t = xc.mul(LOG2E).add(0.5f);
    FloatVector truncated = ((IntVector) t.convert(VectorOperators.F2I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
    FloatVector n = truncated.sub(FloatVector.zero(S).blend(1f, truncated.compare(VectorOperators.GT, t)));
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
    p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
    p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
    p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
    p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
    p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
    FloatVector y = p.mul(r).fma(r, r).add(1f);
    IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    FloatVector scaled = y.mul(bits.reinterpretAsFloats());
    scaled = scaled.blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
    return scaled.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
  }

  /**
   * tanh: an odd Taylor polynomial below |x| = 0.4 (where 1 - 2/(e^{2x}+1) would cancel), that
   * formula on |x| above, with the sign restored.
   */
  static FloatVector tanh(FloatVector x) {
    FloatVector ax = x.abs();
    FloatVector x2 = x.mul(x);
    FloatVector poly = FloatVector.broadcast(S, 21844f / 6081075f);
    poly = poly.fma(x2, FloatVector.broadcast(S, -1382f / 155925f));
    poly = poly.fma(x2, FloatVector.broadcast(S, 62f / 2835f));
    poly = poly.fma(x2, FloatVector.broadcast(S, -17f / 315f));
    poly = poly.fma(x2, FloatVector.broadcast(S, 2f / 15f));
    poly = poly.fma(x2, FloatVector.broadcast(S, -1f / 3f));
    FloatVector small = poly.mul(x2).fma(x, x);
    FloatVector large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(ax.mul(2f)).add(1f)));
    large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
    return large.blend(small, ax.compare(VectorOperators.LT, 0.4f));
  }

  /**
   * erf per lane: Abramowitz-Stegun 7.1.26 (|error| &lt; 1.5e-7), the same arithmetic as the scalar
   * {@code ScalarMath.erfFast}.
   */
  static FloatVector erf(FloatVector x) {
    FloatVector ax = x.abs();
    FloatVector t = FloatVector.broadcast(S, 1f).div(ax.mul(0.3275911f).add(1f));
    FloatVector poly = t.mul(1.061405429f).sub(1.453152027f).mul(t).add(1.421413741f).mul(t).sub(0.284496736f).mul(t).add(0.254829592f).mul(t);
    FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(ax.mul(ax).neg())));
    return y.blend(y.neg(), x.compare(VectorOperators.LT, 0f));
  }

  /** 1 / (1 + e^{-x}). */
  static FloatVector sigmoid(FloatVector x) {
    return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
  }

  /** The sum of the lanes, added in lane order (deterministic). */
  static float sumLanes(FloatVector v) {
    float[] lanes = v.toArray();
    float s = 0f;
    for (float f : lanes) s += f;
    return s;
  }
}
