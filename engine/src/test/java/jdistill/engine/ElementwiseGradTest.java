package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;
import static jdistill.engine.TestSupport.uniform;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import jdistill.engine.TestSupport.Gen;
import jdistill.engine.TestSupport.Layout;
import jdistill.engine.ops.Elementwise;
import org.junit.jupiter.api.Test;

/**
 * Float64 gradient checks of every elementwise op, over broadcasting shape pairs and strided
 * (transposed, narrowed, permuted) inputs. Inputs avoid each op's non-differentiable points.
 */
class ElementwiseGradTest {

  /** Operand shape pairs: equal, broadcast both ways, against a 0-d scalar, rank-extending. */
  private static final int[][][] SHAPE_PAIRS = {
    {{2, 3}, {2, 3}},
    {{3, 1, 4}, {2, 4}},
    {{2, 3}, {}},
    {{4}, {3, 1}},
    {{2, 3, 4}, {4}},
    {{1, 3}, {2, 1}},
  };

  private static final Layout[] L = Layout.values();

  private static final Gen SIGNED = (r, s) -> uniform(r, -1, 1, s);
  private static final Gen POSITIVE = (r, s) -> uniform(r, 0.5, 2.0, s);

  /** Values on a 0.2 grid plus {@code shift} and noise below 0.01: two grids with shift 0 and 0.1 never come within 0.08. */
  private static Gen grid(double shift) {
    return (r, s) -> {
      double[] v = new double[(int) Shapes.numel(s)];
      for (int i = 0; i < v.length; i++) v[i] = 0.2 * (r.nextInt(11) - 5) + shift + 0.01 * (r.nextDouble() - 0.5);
      return Tensor.of(v, s);
    };
  }

  private static void checkBinary(String name, BinaryOperator<Tensor> op, Gen ga, Gen gb) {
    Rng rng = new Rng(name.hashCode());
    for (int[][] pair : SHAPE_PAIRS) {
      for (int i = 0; i < L.length; i++) {
        Tensor a = leaf(L[i], ga, rng, pair[0]);
        Tensor b = leaf(L[(i + 1) % L.length], gb, rng, pair[1]);
        String label = name + " " + Shapes.str(pair[0]) + " " + L[i] + " op " + Shapes.str(pair[1]) + " " + L[(i + 1) % L.length];
        GradCheck.check(label, in -> op.apply(in[0], in[1]), a, b);
        GradCheck.check(label + " (swapped)", in -> op.apply(in[1], in[0]), a, b);
      }
    }
  }

  private static void checkUnary(String name, UnaryOperator<Tensor> op, Gen gen) {
    Rng rng = new Rng(name.hashCode());
    int[][] shapes = {{2, 3, 4}, {5}, {}, {3, 1, 2}};
    for (int[] shape : shapes) {
      for (Layout layout : L) {
        Tensor x = leaf(layout, gen, rng, shape);
        GradCheck.check(name + " " + Shapes.str(shape) + " " + layout, in -> op.apply(in[0]), x);
      }
    }
  }

  @Test
  void add() {
    checkBinary("add", Tensor::add, SIGNED, SIGNED);
  }

  @Test
  void sub() {
    checkBinary("sub", Tensor::sub, SIGNED, SIGNED);
  }

  @Test
  void mul() {
    checkBinary("mul", Tensor::mul, SIGNED, SIGNED);
  }

  @Test
  void div() {
    Gen denominators = (r, s) -> TestSupport.awayFromZero(r, 0.5, s);
    checkBinary("div", Tensor::div, SIGNED, denominators);
  }

  @Test
  void divWithOnlyDenominatorRequiringGrad() {
    Rng rng = new Rng(3);
    Tensor a = uniform(rng, -1, 1, 2, 3);
    Tensor b = uniform(rng, 0.5, 1.5, 3);
    GradCheck.check("div, numerator constant", in -> a.div(in[0]), b);
    GradCheck.check("mul, one side constant", in -> a.mul(in[0]), b);
    GradCheck.check("sub, one side constant", in -> a.sub(in[0]), b);
  }

  @Test
  void sameTensorOnBothSides() {
    Rng rng = new Rng(4);
    Tensor x = uniform(rng, 0.5, 1.5, 3, 2);
    GradCheck.check("x * x", in -> in[0].mul(in[0]), x);
    GradCheck.check("x / x.T-shaped", in -> in[0].div(in[0].sum(0, true)), x);
    GradCheck.check("x - x", in -> in[0].sub(in[0]).add(in[0].exp()), x);
  }

  @Test
  void powTensor() {
    Gen exponents = (r, s) -> uniform(r, -2, 2, s);
    checkBinary("pow", Tensor::pow, POSITIVE, exponents);
  }

  @Test
  void maximumAndMinimum() {
    checkBinary("maximum", Tensor::maximum, grid(0), grid(0.1));
    checkBinary("minimum", Tensor::minimum, grid(0), grid(0.1));
  }

  @Test
  void scalarOperands() {
    checkUnary("add scalar", x -> x.add(0.7), SIGNED);
    checkUnary("sub scalar", x -> x.sub(1.3), SIGNED);
    checkUnary("mul scalar", x -> x.mul(-2.5), SIGNED);
    checkUnary("div scalar", x -> x.div(0.4), SIGNED);
    checkUnary("rsub scalar", x -> Elementwise.rsubScalar(3.0, x), SIGNED);
  }

  @Test
  void powScalar() {
    for (double e : new double[] {2.0, 3.0, 0.5, -1.5, 1.0, 0.0, 2.5}) {
      checkUnary("pow " + e, x -> x.pow(e), POSITIVE);
    }
    checkUnary("pow 2 of signed", x -> x.pow(2.0), SIGNED);
    checkUnary("pow 3 of signed", x -> x.pow(3.0), SIGNED);
  }

  @Test
  void neg() {
    checkUnary("neg", Tensor::neg, SIGNED);
  }

  @Test
  void expAndLog() {
    checkUnary("exp", Tensor::exp, SIGNED);
    checkUnary("log", Tensor::log, POSITIVE);
  }

  @Test
  void sqrtAndRsqrt() {
    checkUnary("sqrt", Tensor::sqrt, POSITIVE);
    checkUnary("rsqrt", Tensor::rsqrt, POSITIVE);
  }

  @Test
  void tanhAndSigmoid() {
    Gen wide = (r, s) -> uniform(r, -4, 4, s);
    checkUnary("tanh", Tensor::tanh, wide);
    checkUnary("sigmoid", Tensor::sigmoid, wide);
  }

  @Test
  void reluAndAbs() {
    Gen away = (r, s) -> TestSupport.awayFromZero(r, 0.05, s);
    checkUnary("relu", Tensor::relu, away);
    checkUnary("abs", Tensor::abs, away);
  }

  @Test
  void geluForms() {
    Gen wide = (r, s) -> uniform(r, -4, 4, s);
    checkUnary("gelu tanh", Tensor::gelu, wide);
    checkUnary("gelu erf", Tensor::geluErf, wide);
  }

  @Test
  void clamp() {
    Gen awayFromBounds = (r, s) -> {
      double[] v = new double[(int) Shapes.numel(s)];
      for (int i = 0; i < v.length; i++) {
        double x;
        do {
          x = 2 * r.nextDouble() - 1;
        } while (Math.abs(x - 0.5) < 0.03 || Math.abs(x + 0.3) < 0.03);
        v[i] = x;
      }
      return Tensor.of(v, s);
    };
    checkUnary("clamp", x -> x.clamp(-0.3, 0.5), awayFromBounds);
    checkUnary("clamp wide", x -> x.clamp(-5, 5), awayFromBounds);
  }

  @Test
  void where() {
    Rng rng = new Rng(7);
    Tensor cond = Tensor.ofLongs(new long[] {1, 0, 1}, 3, 1);
    for (Layout la : L) {
      Tensor a = leaf(la, rng, 3, 4);
      Tensor b = TestSupport.uniform(rng, -1, 1, 4);
      GradCheck.check("where " + la, in -> F.where(cond, in[0], in[1]), a, b);
      GradCheck.check("where F64 cond " + la, in -> F.where(in[0].gt(in[1]), in[0], in[1].mul(2.0)), a, b);
    }
  }

  @Test
  void maskedFill() {
    Rng rng = new Rng(8);
    Tensor mask = Tensor.ofLongs(new long[] {0, 1, 0, 1}, 1, 4);
    Tensor mask3 = Tensor.ofInts(new int[] {1, 0, 0, 0, 1, 1, 0, 0}, 2, 1, 4);
    for (Layout la : L) {
      Tensor x = leaf(la, rng, 3, 4);
      GradCheck.check("maskedFill " + la, in -> in[0].maskedFill(mask, -7.0).mul(in[0]), x);
      Tensor y = leaf(la, rng, 2, 3, 4);
      GradCheck.check("maskedFill 3-d " + la, in -> in[0].maskedFill(mask3, 2.0).exp(), y);
    }
  }

  @Test
  void expandedAndSlicedOperandsInsideTheGraph() {
    Rng rng = new Rng(9);
    Tensor a = uniform(rng, -1, 1, 3, 1);
    Tensor b = uniform(rng, 0.5, 1.5, 4, 3);
    GradCheck.check("expanded * transposed", in -> in[0].expand(3, 4).mul(in[1].mT()), a, b);
    GradCheck.check("expanded / expanded", in -> in[1].select(0, 2).unsqueeze(0).expand(3, 3).div(in[0].expand(3, 3).add(2.0)), a, b);
    GradCheck.check("permuted pow", in -> in[1].permute(1, 0).pow(in[0].expand(3, 4)), a, b);
    GradCheck.check("narrowed exp * expanded", in -> in[1].narrow(0, 1, 2).exp().mul(in[0].mT().expand(2, 3)), a, b);
  }
}
