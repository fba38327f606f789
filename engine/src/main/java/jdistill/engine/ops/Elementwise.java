package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdistill.engine.backend.BinaryOp;
import jdistill.engine.backend.UnaryOp;

/**
 * Elementwise ops with numpy broadcasting and their gradients. Gradients of broadcast operands
 * are summed back to the operand's shape.
 */
public final class Elementwise {

  private Elementwise() {}

  // ---- helpers --------------------------------------------------------------------------------

  static void checkSame(String op, Tensor a, Tensor b) {
    if (!a.device().equals(b.device())) {
      throw new IllegalArgumentException(op + ": operands are on different devices (" + a.device() + " and " + b.device() + ")");
    }
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(op + ": operands have different dtypes (" + a.dtype() + " and " + b.dtype() + "); convert one with to(dtype)");
    }
  }

  /** Raw forward of a broadcasting binary op (no tape). */
  static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b) {
    checkSame(op.name().toLowerCase(), a, b);
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    Tensor out = Tensor.empty(a.dtype(), a.device(), shape);
    a.backend().binary(op, a.detach().expand(shape), b.detach().expand(shape), out);
    return out;
  }

  static Tensor unaryRaw(UnaryOp op, Tensor x) {
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().unary(op, x, out);
    return out;
  }

  static Tensor scalarRaw(BinaryOp op, Tensor x, double s, boolean scalarFirst) {
    Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
    x.backend().binaryScalar(op, x, s, scalarFirst, out);
    return out;
  }

  // ---- binary ---------------------------------------------------------------------------------

  public static Tensor add(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.ADD, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    return Tensor.record(out, "add", new Tensor[] {a, b}, g -> new Tensor[] {Reductions.sumTo(g, as), Reductions.sumTo(g, bs)});
  }

  public static Tensor sub(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.SUB, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    return Tensor.record(out, "sub", new Tensor[] {a, b}, g -> new Tensor[] {Reductions.sumTo(g, as), b.requiresGrad() ? Reductions.sumTo(g.neg(), bs) : null});
  }

  public static Tensor mul(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.MUL, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    Tensor ad = a.detach();
    Tensor bd = b.detach();
    return Tensor.record(out, "mul", new Tensor[] {a, b}, g -> new Tensor[] {
        a.requiresGrad() ? Reductions.sumTo(g.mul(bd), as) : null,
        b.requiresGrad() ? Reductions.sumTo(g.mul(ad), bs) : null});
  }

  public static Tensor div(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.DIV, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    Tensor bd = b.detach();
    Tensor od = out.detach();
    return Tensor.record(out, "div", new Tensor[] {a, b}, g -> new Tensor[] {
        a.requiresGrad() ? Reductions.sumTo(g.div(bd), as) : null,
        b.requiresGrad() ? Reductions.sumTo(g.mul(od).div(bd).neg(), bs) : null});
  }

  public static Tensor pow(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.POW, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    Tensor ad = a.detach();
    Tensor bd = b.detach();
    Tensor od = out.detach();
    return Tensor.record(out, "pow", new Tensor[] {a, b}, g -> new Tensor[] {
        a.requiresGrad() ? Reductions.sumTo(g.mul(bd).mul(binaryRaw(BinaryOp.POW, ad, bd.sub(1.0))), as) : null,
        b.requiresGrad() ? Reductions.sumTo(g.mul(od).mul(ad.log()), bs) : null});
  }

  /** Elementwise maximum; where equal, the gradient is split evenly. */
  public static Tensor maximum(Tensor a, Tensor b) {
    return extremum(BinaryOp.MAX, BinaryOp.GT, a, b);
  }

  public static Tensor minimum(Tensor a, Tensor b) {
    return extremum(BinaryOp.MIN, BinaryOp.LT, a, b);
  }

  private static Tensor extremum(BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
    Tensor out = binaryRaw(op, a, b);
    int[] as = a.shape();
    int[] bs = b.shape();
    Tensor ad = a.detach();
    Tensor bd = b.detach();
    return Tensor.record(out, op.name().toLowerCase(), new Tensor[] {a, b}, g -> {
      Tensor aWins = binaryRaw(wins, ad, bd);
      Tensor tie = binaryRaw(BinaryOp.EQ, ad, bd).mul(0.5);
      Tensor wa = aWins.add(tie);
      Tensor wb = wa.neg().add(1.0);
      return new Tensor[] {Reductions.sumTo(g.mul(wa), as), Reductions.sumTo(g.mul(wb), bs)};
    });
  }

  /** Comparison with broadcasting: 1 where true, 0 elsewhere (no gradient). */
  public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
    return binaryRaw(op, a.detach(), b.detach());
  }

  // ---- scalar ---------------------------------------------------------------------------------

  public static Tensor addScalar(Tensor x, double s) {
    Tensor out = scalarRaw(BinaryOp.ADD, x, s, false);
    return Tensor.record(out, "add", new Tensor[] {x}, g -> new Tensor[] {g});
  }

  public static Tensor mulScalar(Tensor x, double s) {
    Tensor out = scalarRaw(BinaryOp.MUL, x, s, false);
    return Tensor.record(out, "mul", new Tensor[] {x}, g -> new Tensor[] {g.mul(s)});
  }

  /** {@code s - x}. */
  public static Tensor rsubScalar(double s, Tensor x) {
    Tensor out = scalarRaw(BinaryOp.SUB, x, s, true);
    return Tensor.record(out, "rsub", new Tensor[] {x}, g -> new Tensor[] {g.neg()});
  }

  public static Tensor powScalar(Tensor x, double e) {
    if (e == 1.0) return x;
    Tensor out = e == 2.0 ? unaryRaw(UnaryOp.SQUARE, x) : scalarRaw(BinaryOp.POW, x, e, false);
    Tensor xd = x.detach();
    return Tensor.record(out, "pow", new Tensor[] {x}, g -> new Tensor[] {
        g.mul(e == 2.0 ? xd.mul(2.0) : scalarRaw(BinaryOp.POW, xd, e - 1, false).mul(e))});
  }

  /** Values limited to [min, max]; gradient 1 strictly inside, 0 where clamped. */
  public static Tensor clamp(Tensor x, double min, double max) {
    if (min > max) throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
    Tensor out = scalarRaw(BinaryOp.MIN, scalarRaw(BinaryOp.MAX, x, min, false), max, false);
    Tensor xd = x.detach();
    return Tensor.record(out, "clamp", new Tensor[] {x}, g -> {
      Tensor inside = scalarRaw(BinaryOp.GE, xd, min, false).mul(scalarRaw(BinaryOp.LE, xd, max, false));
      return new Tensor[] {g.mul(inside)};
    });
  }

  /** {@code value} where {@code mask != 0}, x elsewhere; mask broadcasts to x. */
  public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
    int[] shape = Shapes.broadcast(x.shape(), mask.shape());
    if (!Arrays.equals(shape, x.shape())) {
      throw new IllegalArgumentException("maskedFill: mask of shape " + Arrays.toString(mask.shape()) + " does not broadcast to " + Arrays.toString(x.shape()));
    }
    Tensor out = Tensor.empty(x.dtype(), x.device(), shape);
    Tensor fill = Tensor.full(value, x.dtype(), x.device());
    Tensor m = mask.detach().expand(shape);
    x.backend().where(m, fill.expand(shape), x.detach(), out);
    return Tensor.record(out, "maskedFill", new Tensor[] {x}, g -> {
      Tensor gz = Tensor.empty(g.dtype(), g.device(), shape);
      g.backend().where(m, Tensor.zeros(g.dtype(), g.device()).expand(shape), g, gz);
      return new Tensor[] {gz};
    });
  }

  /** {@code cond != 0 ? a : b} with broadcasting. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    checkSame("where", a, b);
    int[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape(), a.shape()), b.shape());
    Tensor out = Tensor.empty(a.dtype(), a.device(), shape);
    Tensor c = cond.detach().expand(shape);
    a.backend().where(c, a.detach().expand(shape), b.detach().expand(shape), out);
    int[] as = a.shape();
    int[] bs = b.shape();
    return Tensor.record(out, "where", new Tensor[] {a, b}, g -> {
      Tensor zero = Tensor.zeros(g.dtype(), g.device()).expand(shape);
      Tensor ga = Tensor.empty(g.dtype(), g.device(), shape);
      Tensor gb = Tensor.empty(g.dtype(), g.device(), shape);
      g.backend().where(c, g, zero, ga);
      g.backend().where(c, zero, g, gb);
      return new Tensor[] {Reductions.sumTo(ga, as), Reductions.sumTo(gb, bs)};
    });
  }

  // ---- unary ----------------------------------------------------------------------------------

  public static Tensor neg(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.NEG, x);
    return Tensor.record(out, "neg", new Tensor[] {x}, g -> new Tensor[] {g.neg()});
  }

  public static Tensor exp(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.EXP, x);
    Tensor od = out.detach();
    return Tensor.record(out, "exp", new Tensor[] {x}, g -> new Tensor[] {g.mul(od)});
  }

  public static Tensor log(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.LOG, x);
    Tensor xd = x.detach();
    return Tensor.record(out, "log", new Tensor[] {x}, g -> new Tensor[] {g.div(xd)});
  }

  public static Tensor sqrt(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.SQRT, x);
    Tensor od = out.detach();
    return Tensor.record(out, "sqrt", new Tensor[] {x}, g -> new Tensor[] {g.div(od).mul(0.5)});
  }

  public static Tensor rsqrt(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.RSQRT, x);
    Tensor od = out.detach();
    return Tensor.record(out, "rsqrt", new Tensor[] {x}, g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.SQUARE, od).mul(od)).mul(-0.5)});
  }

  public static Tensor tanh(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.TANH, x);
    Tensor od = out.detach();
    return Tensor.record(out, "tanh", new Tensor[] {x}, g -> new Tensor[] {g.mul(rsubScalar(1.0, unaryRaw(UnaryOp.SQUARE, od)))});
  }

  public static Tensor sigmoid(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.SIGMOID, x);
    Tensor od = out.detach();
    return Tensor.record(out, "sigmoid", new Tensor[] {x}, g -> new Tensor[] {g.mul(od.mul(rsubScalar(1.0, od)))});
  }

  public static Tensor relu(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.RELU, x);
    Tensor xd = x.detach();
    return Tensor.record(out, "relu", new Tensor[] {x}, g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.STEP, xd))});
  }

  public static Tensor geluTanh(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.GELU_TANH, x);
    Tensor xd = x.detach();
    return Tensor.record(out, "gelu", new Tensor[] {x}, g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.GELU_TANH_GRAD, xd))});
  }

  public static Tensor geluErf(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.GELU_ERF, x);
    Tensor xd = x.detach();
    return Tensor.record(out, "geluErf", new Tensor[] {x}, g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.GELU_ERF_GRAD, xd))});
  }

  public static Tensor abs(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.ABS, x);
    Tensor xd = x.detach();
    return Tensor.record(out, "abs", new Tensor[] {x}, g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.SIGN, xd))});
  }
}
