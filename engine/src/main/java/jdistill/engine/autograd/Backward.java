package jdistill.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;

/**
 * The reverse pass: orders the tape reachable from a root topologically, then propagates
 * gradients from the root to the leaves, accumulating into each leaf's {@code grad} (and into
 * non-leaves that asked for {@link Tensor#retainGrad()}).
 */
public final class Backward {

  private Backward() {}

  /**
   * Runs the backward pass from {@code root} with initial gradient {@code seed} (same shape as
   * root). The tape is freed afterwards unless {@code retainGraph}.
   */
  public static void run(Tensor root, Tensor seed, boolean retainGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException(
          "backward() called on a tensor that does not require grad (shape " + Arrays.toString(root.shape())
              + "): no input of the computation had requiresGrad set, or it was computed under noGrad");
    }
    if (!Arrays.equals(seed.shape(), root.shape())) {
      throw new IllegalArgumentException(
          "backward: gradient shape " + Arrays.toString(seed.shape()) + " does not match the output shape " + Arrays.toString(root.shape()));
    }
    List<Tensor> order = topologicalOrder(root);
    Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    grads.put(root, seed);
    try (var g = GradMode.noGrad()) {
      for (int i = order.size() - 1; i >= 0; i--) {
        Tensor t = order.get(i);
        Tensor grad = grads.remove(t);
        if (grad == null) continue;
        if (t.retainsGrad() && !t.isLeaf()) t.accumulateGrad(grad);
        Node node = t.gradFn();
        if (node == null) {
          t.accumulateGrad(grad);
          continue;
        }
        if (node.isFreed()) {
          throw new IllegalStateException(
              "backward through '" + node.op() + "' a second time: its saved tensors were freed by the first backward; pass retainGraph=true to the first call");
        }
        Tensor[] inputGrads = node.backward().apply(grad);
        Tensor[] inputs = node.inputs();
        for (int k = 0; k < inputs.length; k++) {
          Tensor in = inputs[k];
          Tensor ig = inputGrads[k];
          if (in == null || ig == null || !in.requiresGrad()) continue;
          if (!Arrays.equals(ig.shape(), in.shape())) {
            throw new IllegalStateException(
                "backward of '" + node.op() + "' produced a gradient of shape " + Arrays.toString(ig.shape())
                    + " for input " + k + " of shape " + Arrays.toString(in.shape()));
          }
          Tensor previous = grads.get(in);
          grads.put(in, previous == null ? ig : previous.add(ig));
        }
        if (!retainGraph) node.free();
      }
    }
  }

  private static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> order = new ArrayList<>();
    Map<Tensor, Boolean> visited = new IdentityHashMap<>();
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 0});
    visited.put(root, Boolean.TRUE);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Tensor t = (Tensor) frame[0];
      int next = (Integer) frame[1];
      Node node = t.gradFn();
      Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
      if (next < inputs.length) {
        frame[1] = next + 1;
        Tensor in = inputs[next];
        if (in != null && in.requiresGrad() && !visited.containsKey(in)) {
          visited.put(in, Boolean.TRUE);
          stack.push(new Object[] {in, 0});
        }
      } else {
        stack.pop();
        order.add(t);
      }
    }
    return order;
  }
}
