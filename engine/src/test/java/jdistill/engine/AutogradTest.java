package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdistill.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

/** The tape: accumulation, retained and detached gradients, no-grad mode, and the error messages. */
class AutogradTest {

  private static Tensor leaf(double... v) {
    return Tensor.of(v, v.length).requiresGrad(true);
  }

  @Test
  void leafGradientsAccumulateAcrossBackwardCalls() {
    Tensor x = leaf(1, 2, 3);
    x.mul(2.0).sum().backward();
    assertArrayEquals(new double[] {2, 2, 2}, x.grad().toDoubleArray());
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {4, 6, 8}, x.grad().toDoubleArray(), "second backward adds 2x to the first gradient");
    x.setGrad(null);
    x.sum().backward();
    assertArrayEquals(new double[] {1, 1, 1}, x.grad().toDoubleArray(), "cleared gradients start again");
    assertEquals(DType.F64, x.grad().dtype());
    Tensor f = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    f.exp().sum().backward();
    assertEquals(DType.F32, f.grad().dtype());
    assertArrayEquals(new float[] {(float) Math.E, (float) Math.exp(2)}, f.grad().toFloatArray(), 1e-6f);
  }

  @Test
  void retainGraphAllowsASecondBackward() {
    Tensor x = leaf(1, 2);
    Tensor y = x.mul(x).sum();
    y.backward(y.onesLike(), true);
    y.backward();
    assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray());
  }

  @Test
  void explicitOutputGradient() {
    Tensor x = leaf(1, 2, 3);
    Tensor y = x.mul(2.0);
    y.backward(Tensor.of(new double[] {1, 10, 100}, 3), false);
    assertArrayEquals(new double[] {2, 20, 200}, x.grad().toDoubleArray());
  }

  @Test
  void retainGradKeepsNonLeafGradients() {
    Tensor x = leaf(1, 2, 3);
    Tensor h = x.mul(3.0).retainGrad();
    Tensor other = h.exp();
    Tensor loss = other.sum().add(h.sum());
    loss.backward();
    assertTrue(h.retainsGrad());
    assertFalse(h.isLeaf());
    double[] hv = h.toDoubleArray();
    double[] hg = h.grad().toDoubleArray();
    for (int i = 0; i < 3; i++) assertEquals(Math.exp(hv[i]) + 1, hg[i], 1e-12);
    assertNull(other.grad(), "non-leaf gradients are not kept unless asked");
    for (int i = 0; i < 3; i++) assertEquals(3 * (Math.exp(hv[i]) + 1), x.grad().toDoubleArray()[i], 1e-12);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.of(new double[] {1}, 1).retainGrad());
    assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
  }

  @Test
  void detachStopsGradients() {
    Tensor x = leaf(1, 2, 3);
    Tensor d = x.detach();
    assertSame(x.storage(), d.storage(), "detach shares storage");
    assertFalse(d.requiresGrad());
    assertTrue(d.isLeaf());
    x.mul(d).sum().backward();
    assertArrayEquals(new double[] {1, 2, 3}, x.grad().toDoubleArray(), "only the attached factor is differentiated");
    Tensor y = x.exp();
    Tensor yd = y.detach();
    assertNull(yd.gradFn());
    assertFalse(yd.requiresGrad());
  }

  @Test
  void noGradRecordsNothing() {
    Tensor x = leaf(1, 2);
    Tensor y;
    try (var g = GradMode.noGrad()) {
      assertFalse(GradMode.isEnabled());
      y = x.mul(2.0).exp().sum();
      assertFalse(y.requiresGrad());
      assertNull(y.gradFn());
      try (var inner = GradMode.enableGrad()) {
        Tensor z = x.mul(2.0);
        assertNotNull(z.gradFn(), "enableGrad inside noGrad records again");
      }
      assertFalse(GradMode.isEnabled(), "leaving the inner guard restores noGrad");
    }
    assertTrue(GradMode.isEnabled(), "leaving the outer guard restores recording");
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    Tensor z = x.mul(2.0);
    assertEquals("mul", z.gradFn().op());
    assertTrue(z.requiresGrad());
  }

  @Test
  void opsOnConstantsAreNotRecorded() {
    Tensor a = Tensor.of(new double[] {1, 2}, 2);
    Tensor b = a.mul(a).exp().softmax(0);
    assertFalse(b.requiresGrad());
    assertNull(b.gradFn());
  }

  @Test
  void clearErrors() {
    Tensor c = Tensor.of(new double[] {1, 2}, 2);
    IllegalStateException noGrad = assertThrows(IllegalStateException.class, () -> c.sum().backward());
    assertTrue(noGrad.getMessage().contains("backward() called on a tensor that does not require grad"), noGrad.getMessage());

    Tensor x = leaf(1, 2);
    Tensor loss = x.exp().sum();
    loss.backward();
    IllegalStateException twice = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(twice.getMessage().contains("a second time"), twice.getMessage());
    assertTrue(twice.getMessage().contains("retainGraph=true"), twice.getMessage());

    Tensor y = x.mul(2.0);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.of(new double[] {1, 2, 3}, 3), false));
    assertEquals("backward: gradient shape [3] does not match the output shape [2]", shape.getMessage());

    IllegalStateException nonScalar = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(nonScalar.getMessage().contains("needs a one-element output, got shape [2]"), nonScalar.getMessage());

    IllegalArgumentException setGrad = assertThrows(IllegalArgumentException.class, () -> x.setGrad(Tensor.of(new double[] {1}, 1)));
    assertEquals("gradient shape [1] does not match tensor shape [2]", setGrad.getMessage());

    IllegalStateException nonLeaf = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
    assertTrue(nonLeaf.getMessage().contains("use detach() instead"), nonLeaf.getMessage());
  }

  @Test
  void sharedSubgraphsAccumulateBeforePropagating() {
    Rng rng = new Rng(1);
    Tensor x = TestSupport.uniform(rng, -1, 1, 3, 2);
    GradCheck.check("diamond", in -> {
      Tensor h = in[0].exp();
      Tensor a = h.mul(h);
      Tensor b = h.mul(3.0).add(a);
      return a.mul(b).add(h.sum(0, true));
    }, x);
    Tensor w = TestSupport.uniform(rng, -1, 1, 2, 2);
    GradCheck.check("shared weight in two layers", in -> in[0].matmul(in[1]).tanh().matmul(in[1]), x, w);
  }

  @Test
  void longChainsDoNotOverflowTheStack() {
    Tensor x = leaf(0.5);
    Tensor y = x;
    for (int i = 0; i < 20000; i++) y = y.add(1e-3);
    y.sum().backward();
    assertArrayEquals(new double[] {1}, x.grad().toDoubleArray());
  }

  @Test
  void inputsThatDoNotRequireGradGetNone() {
    Tensor x = leaf(1, 2);
    Tensor c = Tensor.of(new double[] {3, 4}, 2);
    x.mul(c).sum().backward();
    assertNull(c.grad());
    assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray());
  }
}
