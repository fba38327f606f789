package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Scopes own what is created inside them: release at close, keep() to the parent, long-lived state outside. */
class ScopeTest {

  private static void assertReleased(Tensor t) {
    assertTrue(t.storage().isReleased());
    IllegalStateException e = assertThrows(IllegalStateException.class, t::toDoubleArray);
    assertTrue(e.getMessage().contains("use of a released"), e.getMessage());
    assertTrue(e.getMessage().contains("its scope was closed"), e.getMessage());
  }

  @Test
  void tensorsCreatedInAScopeAreReleasedAtClose() {
    Tensor inside;
    Tensor view;
    try (Scope s = Scope.open()) {
      assertSame(s, Scope.current());
      inside = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).exp();
      view = inside.mT();
      assertEquals(2, s.size(), "the input and the result");
      assertEquals(Math.exp(2), inside.toDoubleArray()[1], 1e-12);
    }
    assertNull(Scope.current());
    assertReleased(inside);
    assertReleased(view);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> inside.add(1.0));
    assertTrue(e.getMessage().contains("use of a released F64 tensor storage of 4 elements"), e.getMessage());
  }

  @Test
  void keepMovesAResultToTheParent() {
    Tensor kept;
    Tensor dropped;
    try (Scope outer = Scope.open()) {
      try (Scope inner = Scope.open()) {
        dropped = Tensor.of(new double[] {1, 2}, 2).mul(3.0);
        kept = inner.keep(dropped.add(1.0));
        assertEquals(2, inner.size());
      }
      assertSame(outer, Scope.current());
      assertReleased(dropped);
      assertArrayEquals(new double[] {4, 7}, kept.toDoubleArray(), "kept result survives the inner scope");
      assertEquals(1, outer.size(), "and now belongs to the outer one");
    }
    assertReleased(kept);
    Tensor free;
    try (Scope only = Scope.open()) {
      free = only.keep(Tensor.of(new double[] {5}, 1));
      assertEquals(0, only.size());
    }
    assertArrayEquals(new double[] {5}, free.toDoubleArray(), "keep() in the outermost scope hands it to nobody");
  }

  @Test
  void parametersOutsideScopesSurviveAndLeafGradsSurviveTheStep() {
    Rng rng = new Rng(1);
    Tensor w = TestSupport.uniform(rng, -1, 1, 3, 2).requiresGrad(true);
    Tensor b = TestSupport.uniform(rng, -1, 1, 2).requiresGrad(true);
    Tensor x = TestSupport.uniform(rng, -1, 1, 4, 3);
    double[] firstGrad = null;
    Tensor hidden = null;
    for (int step = 0; step < 2; step++) {
      try (Scope s = Scope.open()) {
        hidden = x.matmul(w).add(b).retainGrad();
        Tensor loss = hidden.tanh().sum();
        loss.backward();
        assertTrue(s.size() > 0);
      }
      assertFalse(w.storage().isReleased(), "parameters are owned by nobody");
      assertFalse(w.grad().storage().isReleased(), "leaf gradients are created outside the step scope");
      assertFalse(b.grad().storage().isReleased());
      assertFalse(hidden.grad().storage().isReleased(), "retained gradients too");
      assertReleased(hidden);
      if (step == 0) firstGrad = w.grad().toDoubleArray();
    }
    double[] twice = w.grad().toDoubleArray();
    for (int i = 0; i < twice.length; i++) assertEquals(2 * firstGrad[i], twice[i], 1e-12, "the second step accumulated");
  }

  @Test
  void detachedCreatesUnownedTensorsInsideAScope() {
    Tensor state;
    try (Scope s = Scope.open()) {
      state = Scope.detached(() -> Tensor.zeros(DType.F32, Device.CPU, 4));
      assertSame(s, Scope.current(), "the scope is current again after detached()");
      assertEquals(0, s.size());
    }
    assertArrayEquals(new float[4], state.toFloatArray());
  }

  @Test
  void scopesCloseInnermostFirst() {
    Tensor t;
    Scope outer = Scope.open();
    Scope inner = Scope.open();
    try {
      t = Tensor.zeros(DType.F32, Device.CPU, 2);
      IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
      assertTrue(e.getMessage().contains("innermost first"), e.getMessage());
      assertSame(inner, Scope.current(), "a refused close changes nothing");
      assertFalse(t.storage().isReleased());
    } finally {
      inner.close();
      outer.close();
    }
    assertNull(Scope.current(), "the outer scope can still be closed after the refused attempt");
    assertReleased(t);
  }
}
