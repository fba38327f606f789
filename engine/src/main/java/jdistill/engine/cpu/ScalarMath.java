package jdistill.engine.cpu;

import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;
import org.apache.commons.math3.special.Erf;

/** The scalar definition of every elementwise op, in double: the reference all fast paths match. */
final class ScalarMath {

  static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  static final double GELU_C = 0.044715;
  static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
  static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private ScalarMath() {}

  static double unary(UnaryOp op, double x) {
    return switch (op) {
      case NEG -> -x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case RSQRT -> 1.0 / Math.sqrt(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
      case RELU -> x <= 0 ? 0.0 : x; // NaN stays NaN, as in the vector path (max(NaN, 0) is NaN)
      case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
      case GELU_ERF -> 0.5 * x * (1.0 + Erf.erf(x * INV_SQRT_2));
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case RECIPROCAL -> 1.0 / x;
      case SQUARE -> x * x;
      case GELU_TANH_GRAD -> {
        double u = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
        double t = Math.tanh(u);
        double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * x * x);
        yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
      }
      case GELU_ERF_GRAD -> 0.5 * (1.0 + Erf.erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      case STEP -> x > 0 ? 1.0 : 0.0;
    };
  }

  static double binary(BinaryOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> Math.pow(a, b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case EQ -> a == b ? 1 : 0;
      case GT -> a > b ? 1 : 0;
      case GE -> a >= b ? 1 : 0;
      case LT -> a < b ? 1 : 0;
      case LE -> a <= b ? 1 : 0;
    };
  }

  /** erf in float precision (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7), for the F32 fast path. */
  static float erfFast(float x) {
    float ax = Math.abs(x);
    float t = 1.0f / (1.0f + 0.3275911f * ax);
    float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * (float) Math.exp(-ax * ax);
    return Math.copySign(y, x);
  }
}
