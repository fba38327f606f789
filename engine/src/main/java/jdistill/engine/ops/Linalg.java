package jdistill.engine.ops;

import java.util.Arrays;
import jdistill.engine.Shapes;
import jdistill.engine.Tensor;
import jdistill.engine.backend.MatrixLayout;

/** Matrix products with torch.matmul semantics: batching, broadcasting, transposed views read in place. */
public final class Linalg {

  private Linalg() {}

  public static Tensor matmul(Tensor a, Tensor b) {
    Elementwise.checkSame("matmul", a, b);
    if (a.rank() == 0 || b.rank() == 0) throw new IllegalArgumentException("matmul: both operands need at least one dimension");
    if (a.rank() == 1 && b.rank() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
    if (a.rank() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
    if (b.rank() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
    int k = a.shape(-1);
    if (b.shape(-2) != k) {
      throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " do not chain (" + k + " vs " + b.shape(-2) + ")");
    }
    if (a.rank() > 2 && b.rank() == 2) {
      // [..., M, K] @ [K, N]: one [(...)*M, K] @ [K, N] product instead of one per leading index, so
      // b is packed once and its gradient is one product over all rows, not a sum of per-batch products
      int rows = 1;
      for (int d = 0; d < a.rank() - 1; d++) rows *= a.shape(d);
      int[] outShape = a.shape();
      outShape[outShape.length - 1] = b.shape(1);
      return matmul(a.reshape(rows, k), b).reshape(outShape);
    }
    Tensor out = raw(a.detach(), b.detach());
    int[] as = a.shape();
    int[] bs = b.shape();
    Tensor ad = a.detach();
    Tensor bd = b.detach();
    return Tensor.record(out, "matmul", new Tensor[] {a, b}, g -> new Tensor[] {
        a.requiresGrad() ? Reductions.sumTo(raw(g, bd.mT()), as) : null,
        b.requiresGrad() ? Reductions.sumTo(raw(ad.mT(), g), bs) : null});
  }

  /** The product of two rank>=2 tensors without recording (batch dims broadcast). */
  static Tensor raw(Tensor a, Tensor b) {
    int[] aBatch = Arrays.copyOf(a.shape(), a.rank() - 2);
    int[] bBatch = Arrays.copyOf(b.shape(), b.rank() - 2);
    int[] batch = Shapes.broadcast(aBatch, bBatch);
    int m = a.shape(-2);
    int k = a.shape(-1);
    int n = b.shape(-1);
    Tensor ae = a.expand(concat(batch, m, k));
    Tensor be = b.expand(concat(batch, k, n));
    if (MatrixLayout.of(ae) == null) ae = Views.contiguousCopy(a).expand(concat(batch, m, k));
    if (MatrixLayout.of(be) == null) be = Views.contiguousCopy(b).expand(concat(batch, k, n));
    Tensor out = Tensor.empty(a.dtype(), a.device(), concat(batch, m, n));
    if (k == 0) {
      out.backend().fill(out, 0);
      return out;
    }
    a.backend().matmul(ae, be, out, false);
    return out;
  }

  private static int[] concat(int[] batch, int x, int y) {
    int[] s = Arrays.copyOf(batch, batch.length + 2);
    s[batch.length] = x;
    s[batch.length + 1] = y;
    return s;
  }
}
