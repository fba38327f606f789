package jdistill.engine.autograd;

import jdistill.engine.Tensor;

/**
 * One recorded operation on the autograd tape: the op's name, its inputs, and a closure that maps
 * the gradient of the op's output to the gradients of its inputs (null where an input needs none).
 */
public final class Node {

  /** Maps the output gradient to one gradient per input (entries may be null). */
  @FunctionalInterface
  public interface BackwardFn {
    Tensor[] apply(Tensor gradOutput);
  }

  private final String op;
  private final Tensor[] inputs;
  private BackwardFn backward;

  public Node(String op, Tensor[] inputs, BackwardFn backward) {
    this.op = op;
    this.inputs = inputs;
    this.backward = backward;
  }

  /** The op that produced the tensor, e.g. "matmul". */
  public String op() {
    return op;
  }

  /** The op's inputs, in order. */
  public Tensor[] inputs() {
    return inputs;
  }

  BackwardFn backward() {
    return backward;
  }

  /** Drops the closure (and what it captured) once the backward pass has used it. */
  void free() {
    backward = null;
  }

  boolean isFreed() {
    return backward == null;
  }

  @Override
  public String toString() {
    return op + "Backward";
  }
}
