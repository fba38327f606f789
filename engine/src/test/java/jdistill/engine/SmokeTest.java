package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {

  @Test
  void matmulAndBackward() {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2).requiresGrad(true);
    Tensor c = a.matmul(b);
    assertArrayEquals(new float[] {4, 5, 10, 11}, c.toFloatArray());
    c.sum().backward();
    assertArrayEquals(new float[] {1, 1, 2, 1, 1, 2}, a.grad().toFloatArray());
    assertArrayEquals(new float[] {5, 5, 7, 7, 9, 9}, b.grad().toFloatArray());
  }

  @Test
  void gradCheckComposite() {
    Rng rng = new Rng(1);
    Tensor x = GradCheck.rand(rng, 3, 4);
    Tensor w = GradCheck.rand(rng, 5, 4);
    Tensor g = GradCheck.rand(rng, 5);
    Tensor bb = GradCheck.rand(rng, 5);
    GradCheck.check("linear+layernorm+gelu+softmax", in -> F.layerNorm(F.linear(in[0], in[1], null).gelu(), in[2], in[3], 1e-5).softmax(-1), x, w, g, bb);
  }
}
