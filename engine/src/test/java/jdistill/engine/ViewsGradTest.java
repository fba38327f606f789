package jdistill.engine;

import static jdistill.engine.TestSupport.leaf;

import java.util.List;
import jdistill.engine.TestSupport.Layout;
import jdistill.engine.ops.Views;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks of the shape ops (views and copies): each result is multiplied by a
 * position-dependent function in the checker, so a gradient routed to the wrong element fails.
 */
class ViewsGradTest {

  private static final int[] SHAPE = {2, 3, 4};

  private static void each(String name, java.util.function.UnaryOperator<Tensor> op) {
    Rng rng = new Rng(name.hashCode());
    for (Layout layout : Layout.values()) {
      Tensor x = leaf(layout, rng, SHAPE);
      // exp() after the view makes a mis-routed gradient visible even for linear views
      GradCheck.check(name + " " + layout, in -> op.apply(in[0]).exp(), x);
    }
  }

  @Test
  void reshapeAndView() {
    each("reshape [6,4]", x -> x.reshape(6, 4));
    each("reshape [-1]", x -> x.reshape(-1));
    each("reshape [4,-1,2]", x -> x.reshape(4, -1, 2));
    each("view [2,12]", x -> x.view(2, 12));
  }

  @Test
  void permuteAndTranspose() {
    each("permute 2,0,1", x -> x.permute(2, 0, 1));
    each("permute then reshape", x -> x.permute(1, 2, 0).reshape(12, 2));
    each("transpose 0,2", x -> x.transpose(0, 2));
    each("mT", Tensor::mT);
  }

  @Test
  void narrowAndSelect() {
    each("narrow dim 1", x -> x.narrow(1, 1, 2));
    each("narrow dim -1", x -> x.narrow(-1, 0, 3));
    each("select dim 0", x -> x.select(0, 1));
    each("select dim 2 negative index", x -> x.select(2, -1));
    each("select twice", x -> x.select(1, 2).select(0, 0));
  }

  @Test
  void expandUnsqueezeSqueezeFlatten() {
    each("unsqueeze 0", x -> x.unsqueeze(0));
    each("unsqueeze -1", x -> x.unsqueeze(-1));
    each("unsqueeze then squeeze", x -> x.unsqueeze(1).squeeze(1));
    each("expand", x -> x.unsqueeze(1).expand(2, 5, 3, 4));
    each("expand leading", x -> x.expand(3, 2, 3, 4));
    each("expand size-1 dim", x -> x.narrow(1, 1, 1).expand(2, 6, 4));
    each("flatten 0..1", x -> x.flatten(0, 1));
    each("flatten 1..2", x -> x.flatten(1, 2));
    each("flatten all", x -> x.flatten(0, -1));
  }

  @Test
  void catStackSplit() {
    Rng rng = new Rng(5);
    Layout[] layouts = Layout.values();
    for (int i = 0; i < layouts.length; i++) {
      Tensor a = leaf(layouts[i], rng, 2, 3, 4);
      Tensor b = leaf(layouts[(i + 1) % 4], rng, 2, 1, 4);
      Tensor c = leaf(layouts[(i + 2) % 4], rng, 2, 2, 4);
      GradCheck.check("cat dim 1 " + layouts[i], in -> F.cat(List.of(in[0], in[1], in[2]), 1).exp(), a, b, c);
      Tensor d = leaf(layouts[(i + 3) % 4], rng, 2, 3, 4);
      GradCheck.check("cat dim 0 " + layouts[i], in -> F.cat(List.of(in[0], in[1]), 0).exp(), a, d);
      GradCheck.check("cat dim -1 " + layouts[i], in -> F.cat(List.of(in[0], in[1].mul(in[0])), -1).exp(), a, d);
      GradCheck.check("cat same tensor twice " + layouts[i], in -> F.cat(List.of(in[0], in[0]), 2).exp(), a);
      GradCheck.check("stack dim 0 " + layouts[i], in -> F.stack(List.of(in[0], in[1]), 0).exp(), a, d);
      GradCheck.check("stack dim 3 " + layouts[i], in -> F.stack(List.of(in[0], in[1]), 3).exp(), a, d);
      GradCheck.check("stack dim -2 " + layouts[i], in -> F.stack(List.of(in[0], in[1]), -2).exp(), a, d);
      GradCheck.check("split dim 2 " + layouts[i], in -> {
        List<Tensor> parts = F.split(in[0], 3, 2);
        return parts.get(0).mul(parts.get(0)).sum(2, true).add(parts.get(1).exp());
      }, a);
      GradCheck.check("split then cat reversed " + layouts[i], in -> {
        List<Tensor> parts = F.split(in[0], 1, 1);
        return F.cat(List.of(parts.get(2), parts.get(0), parts.get(1)), 1).exp();
      }, a);
    }
  }

  @Test
  void copiesAndCasts() {
    each("contiguous", Tensor::contiguous);
    each("copy", Tensor::copy);
    each("cast F64 to F64", x -> Views.cast(x, DType.F64));
    each("to(F64) no-op", x -> x.to(DType.F64));
    each("to(CPU) no-op", x -> x.to(Device.CPU));
  }
}
