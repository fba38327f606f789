package jdistill.engine.cuda;

import java.util.Arrays;
import jdistill.engine.Tensor;

/**
 * Several equally shaped strided views reduced to the fewest dimensions that describe them all:
 * size-1 dimensions are dropped, and a dimension is merged into the next inner one when every
 * operand's stride allows it. Contiguous operands become one dimension; a broadcast row stays two.
 * The result feeds the {@code Dims8} shape and stride parameters of the strided kernels.
 */
public record Coalesced(long[] shape, long[][] strides) {

  /** Coalesces {@code operands}, which all have shape {@code shape}. */
  public static Coalesced of(int[] shape, Tensor... operands) {
    int[][] st = new int[operands.length][];
    for (int k = 0; k < operands.length; k++) {
      if (!Arrays.equals(operands[k].shape(), shape)) {
        throw new IllegalArgumentException("operand " + k + " has shape " + Arrays.toString(operands[k].shape()) + ", expected " + Arrays.toString(shape));
      }
      st[k] = operands[k].strides();
    }
    return of(shape, st);
  }

  /** Coalesces views of shape {@code shape} with the given per-operand strides. */
  public static Coalesced of(int[] shape, int[]... operandStrides) {
    int k = operandStrides.length;
    long[] dims = new long[shape.length];
    long[][] st = new long[k][shape.length];
    int r = 0;
    // walk from the innermost dim outwards; dims[] is filled innermost first, reversed at the end
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] == 1) continue;
      boolean merge = r > 0;
      for (int o = 0; o < k && merge; o++) merge = operandStrides[o][d] == st[o][r - 1] * dims[r - 1];
      if (merge) {
        dims[r - 1] *= shape[d];
      } else {
        dims[r] = shape[d];
        for (int o = 0; o < k; o++) st[o][r] = operandStrides[o][d];
        r++;
      }
    }
    if (r == 0) {
      return new Coalesced(new long[] {1}, new long[k][1]);
    }
    long[] outShape = new long[r];
    long[][] outStrides = new long[k][r];
    for (int i = 0; i < r; i++) {
      outShape[i] = dims[r - 1 - i];
      for (int o = 0; o < k; o++) outStrides[o][i] = st[o][r - 1 - i];
    }
    return new Coalesced(outShape, outStrides);
  }

  /** Number of dimensions left. */
  public int rank() {
    return shape.length;
  }

  /** True when operand {@code k} is one dense run (stride 1 over a single dimension). */
  public boolean contiguous(int k) {
    return shape.length == 1 && (strides[k][0] == 1 || shape[0] == 1);
  }

  /** Checks that the kernels' 8-dimension limit holds, naming the op otherwise. */
  public Coalesced requireAtMost8(String op) {
    if (shape.length > KernelArgs.MAX_DIMS) {
      throw new UnsupportedOperationException(op + " on CUDA: the operands have " + shape.length
          + " dimensions that cannot be merged (at most 8); make an operand contiguous first");
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Coalesced[shape=").append(Arrays.toString(shape));
    for (long[] s : strides) b.append(", strides=").append(Arrays.toString(s));
    return b.append(']').toString();
  }
}
