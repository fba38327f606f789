package jdistill.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import jdistill.engine.Tensor;
import jdistill.engine.nn.Parameter;
import org.junit.jupiter.api.Test;

class GradClipTest {

  private static Parameter withGrad(float[] grad) {
    Parameter p = Parameter.of(() -> Tensor.zeros(grad.length));
    p.tensor().setGrad(Tensor.of(grad, grad.length));
    return p;
  }

  @Test
  void clipsToMaxNormAndReturnsThePreClipNorm() {
    Parameter a = withGrad(new float[] {3, 4});
    Parameter b = withGrad(new float[] {12});
    Parameter none = Parameter.of(() -> Tensor.zeros(2));
    List<Parameter> all = List.of(a, b, none);
    assertEquals(13.0, GradClip.globalNorm(all), 1e-6);
    double norm = GradClip.clipGlobalNorm(all, 6.5);
    assertEquals(13.0, norm, 1e-6);
    double s = 6.5 / (13.0 + 1e-6);
    assertArrayEquals(new float[] {(float) (3 * s), (float) (4 * s)}, a.grad().toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {(float) (12 * s)}, b.grad().toFloatArray(), 1e-6f);
    assertEquals(6.5, GradClip.globalNorm(all), 1e-5);
    assertNull(none.grad());
  }

  @Test
  void leavesSmallGradientsAlone() {
    Parameter a = withGrad(new float[] {0.3f, -0.4f});
    assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 1.0), 1e-7);
    assertArrayEquals(new float[] {0.3f, -0.4f}, a.grad().toFloatArray());
    assertEquals(1.0, GradClip.scaleFor(0.5, 1.0));
    assertEquals(1.0, GradClip.scaleFor(Double.NaN, 1.0));
  }

  @Test
  void scaleForTheOptimizerEqualsClippingInPlace() {
    float[] g = {3, -4, 0.5f};
    Parameter p1 = withGrad(g);
    Parameter p2 = withGrad(g);
    AdamW o1 = new AdamW(ParamGroup.single(List.of(p1), 0.01), AdamW.Config.of(0.1));
    AdamW o2 = new AdamW(ParamGroup.single(List.of(p2), 0.01), AdamW.Config.of(0.1));
    double n1 = GradClip.clipGlobalNorm(List.of(p1), 1.0);
    o1.step();
    double n2 = GradClip.globalNorm(List.of(p2));
    o2.step(GradClip.scaleFor(n2, 1.0));
    assertEquals(n1, n2);
    assertArrayEquals(p1.tensor().toFloatArray(), p2.tensor().toFloatArray(), 1e-7f);
    assertArrayEquals(o1.state().get("param0.exp_avg_sq").toFloatArray(), o2.state().get("param0.exp_avg_sq").toFloatArray(), 1e-9f);
  }
}
