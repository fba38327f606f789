package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Layout of views: shapes, strides, offsets, shared storage, and when copies happen. */
class ViewsTest {

  /** 0..n-1 as F64 in the given shape. */
  private static Tensor iota(int... shape) {
    double[] v = new double[(int) Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = i;
    return Tensor.of(v, shape);
  }

  @Test
  void contiguousFactoryLayout() {
    Tensor x = iota(2, 3, 4);
    assertArrayEquals(new int[] {12, 4, 1}, x.strides());
    assertEquals(0, x.offset());
    assertTrue(x.isContiguous());
    assertEquals(24, x.numel());
    assertEquals(3, x.rank());
    assertEquals(4, x.shape(-1));
    assertEquals(12, x.stride(0));
    Tensor s = Tensor.scalar(3);
    assertEquals(0, s.rank());
    assertEquals(1, s.numel());
    assertEquals(3.0, s.item());
  }

  @Test
  void permuteAndTranspose() {
    Tensor x = iota(2, 3, 4);
    Tensor p = x.permute(2, 0, 1);
    assertArrayEquals(new int[] {4, 2, 3}, p.shape());
    assertArrayEquals(new int[] {1, 12, 4}, p.strides());
    assertSame(x.storage(), p.storage());
    assertFalse(p.isContiguous());
    // element [k, i, j] of p is x[i, j, k] = 12 i + 4 j + k
    double[] pv = p.toDoubleArray();
    assertEquals(12 * 1 + 4 * 2 + 3, pv[3 * 6 + 1 * 3 + 2]);
    Tensor t = x.transpose(0, 2);
    assertArrayEquals(new int[] {4, 3, 2}, t.shape());
    assertArrayEquals(new int[] {1, 4, 12}, t.strides());
    assertArrayEquals(new int[] {2, 4, 3}, x.mT().shape());
    assertArrayEquals(new int[] {12, 1, 4}, x.mT().strides());
    assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
  }

  @Test
  void narrowAndSelectMoveTheOffset() {
    Tensor x = iota(4, 5);
    Tensor n = x.narrow(0, 1, 2);
    assertArrayEquals(new int[] {2, 5}, n.shape());
    assertArrayEquals(new int[] {5, 1}, n.strides());
    assertEquals(5, n.offset());
    assertTrue(n.isContiguous(), "a row window is contiguous from its offset");
    Tensor c = x.narrow(1, 2, 3);
    assertEquals(2, c.offset());
    assertArrayEquals(new int[] {5, 1}, c.strides());
    assertFalse(c.isContiguous());
    assertArrayEquals(new double[] {2, 3, 4, 7, 8, 9, 12, 13, 14, 17, 18, 19}, c.toDoubleArray());
    Tensor row = x.select(0, 3);
    assertArrayEquals(new int[] {5}, row.shape());
    assertEquals(15, row.offset());
    Tensor col = x.select(1, -1);
    assertArrayEquals(new int[] {4}, col.shape());
    assertArrayEquals(new int[] {5}, col.strides());
    assertEquals(4, col.offset());
    assertArrayEquals(new double[] {4, 9, 14, 19}, col.toDoubleArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 3, 3));
    assertTrue(e.getMessage().contains("outside dim 1 of size 5"), e.getMessage());
  }

  @Test
  void expandHasStrideZero() {
    Tensor x = iota(3, 1);
    Tensor e = x.expand(2, 3, 4);
    assertArrayEquals(new int[] {2, 3, 4}, e.shape());
    assertArrayEquals(new int[] {0, 1, 0}, e.strides());
    assertSame(x.storage(), e.storage());
    assertFalse(e.isContiguous());
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, e.toDoubleArray());
    assertArrayEquals(new int[] {3, 5}, x.expand(-1, 5).shape());
    assertSame(x, x.expand(3, 1), "expanding to the same shape is the tensor itself");
    IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> x.expand(4, 4));
    assertTrue(err.getMessage().contains("cannot be expanded"), err.getMessage());
    Tensor s = Tensor.scalar(7).expand(2, 2);
    assertArrayEquals(new int[] {0, 0}, s.strides());
    assertArrayEquals(new float[] {7, 7, 7, 7}, s.toFloatArray());
  }

  @Test
  void unsqueezeSqueezeFlatten() {
    Tensor x = iota(2, 3);
    Tensor u = x.unsqueeze(1);
    assertArrayEquals(new int[] {2, 1, 3}, u.shape());
    assertSame(x.storage(), u.storage());
    assertTrue(u.isContiguous());
    assertArrayEquals(new int[] {2, 3, 1}, x.unsqueeze(-1).shape());
    assertArrayEquals(new int[] {1, 2, 3}, x.unsqueeze(0).shape());
    assertArrayEquals(new int[] {2, 3}, u.squeeze(1).shape());
    assertArrayEquals(new int[] {3, 1}, u.squeeze(1).strides());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
    assertTrue(e.getMessage().contains("has size 2, not 1"), e.getMessage());
    Tensor y = iota(2, 3, 4, 5);
    assertArrayEquals(new int[] {6, 4, 5}, y.flatten(0, 1).shape());
    assertArrayEquals(new int[] {2, 60}, y.flatten(1, -1).shape());
    assertArrayEquals(new int[] {120}, y.flatten(0, 3).shape());
    assertSame(y.storage(), y.flatten(1, 2).storage(), "flattening contiguous dims is a view");
    assertArrayEquals(new int[] {1}, Tensor.scalar(1).flatten(0, 0).shape());
  }

  @Test
  void contiguousCopiesOnlyWhenNeeded() {
    Tensor x = iota(3, 4);
    assertSame(x, x.contiguous(), "a contiguous tensor is returned as is");
    Tensor rowWindow = x.narrow(0, 1, 2);
    assertSame(rowWindow, rowWindow.contiguous(), "a contiguous window is returned as is");
    Tensor t = x.mT();
    Tensor c = t.contiguous();
    assertNotSame(x.storage(), c.storage());
    assertTrue(c.isContiguous());
    assertArrayEquals(new int[] {3, 1}, c.strides());
    assertArrayEquals(t.toDoubleArray(), c.toDoubleArray());
    Tensor copy = x.copy();
    assertNotSame(x.storage(), copy.storage(), "copy() always copies");
    assertArrayEquals(x.toDoubleArray(), copy.toDoubleArray());
    // size-1 dims with odd strides do not break contiguity
    Tensor odd = new Tensor(x.storage(), new int[] {3, 1, 4}, new int[] {4, 99, 1}, 0);
    assertTrue(odd.isContiguous());
    assertSame(odd, odd.contiguous());
  }

  @Test
  void reshapeViewsContiguousAndCopiesStrided() {
    Tensor x = iota(2, 3, 4);
    Tensor r = x.reshape(4, 6);
    assertSame(x.storage(), r.storage(), "reshape of contiguous data is a view");
    assertArrayEquals(new int[] {6, 1}, r.strides());
    assertArrayEquals(new int[] {4, 3, 2}, x.reshape(4, -1, 2).shape());
    Tensor window = x.narrow(0, 1, 1);
    Tensor rw = window.reshape(12);
    assertSame(x.storage(), rw.storage());
    assertEquals(12, rw.offset(), "a reshaped window keeps its offset");
    assertArrayEquals(new double[] {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, rw.toDoubleArray());
    Tensor t = x.transpose(1, 2);
    Tensor rt = t.reshape(2, 12);
    assertNotSame(x.storage(), rt.storage(), "reshape of a strided view copies");
    assertArrayEquals(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, java.util.Arrays.copyOf(rt.toDoubleArray(), 12));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.reshape(5, 5));
    assertTrue(e.getMessage().contains("does not fit 24 elements"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, 5));
  }

  @Test
  void viewsWriteThrough() {
    Tensor x = Tensor.zeros(DType.F64, Device.CPU, 3, 4);
    Tensor col = x.select(1, 2);
    col.backend().copy(Tensor.of(new double[] {1, 2, 3}, 3), col);
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0}, x.toDoubleArray());
  }

  @Test
  void catStackSplitShapes() {
    Tensor a = iota(2, 3);
    Tensor b = iota(2, 1).add(100);
    Tensor c = F.cat(List.of(a, b), 1);
    assertArrayEquals(new int[] {2, 4}, c.shape());
    assertArrayEquals(new double[] {0, 1, 2, 100, 3, 4, 5, 101}, c.toDoubleArray());
    Tensor s = F.stack(List.of(a, a.mul(2.0)), 1);
    assertArrayEquals(new int[] {2, 2, 3}, s.shape());
    assertArrayEquals(new double[] {0, 1, 2, 0, 2, 4, 3, 4, 5, 6, 8, 10}, s.toDoubleArray());
    List<Tensor> parts = F.split(iota(7, 2), 3, 0);
    assertEquals(3, parts.size());
    assertArrayEquals(new int[] {1, 2}, parts.get(2).shape());
    assertEquals(12, parts.get(2).offset());
    assertSame(parts.get(1).storage(), parts.get(2).storage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.cat(List.of(a, iota(3, 1)), 1));
    assertTrue(e.getMessage().contains("outside dim 1"), e.getMessage());
  }

  @Test
  void gatherAndIndexSelectValues() {
    Tensor x = iota(3, 4);
    Tensor g = F.gather(x, 1, Tensor.ofLongs(new long[] {3, 0, 1, 1, 2, 2}, 3, 2));
    assertArrayEquals(new double[] {3, 0, 5, 5, 10, 10}, g.toDoubleArray());
    Tensor g0 = F.gather(x.mT(), 0, Tensor.ofLongs(new long[] {0, 1, 2, 3, 3, 3}, 2, 3));
    assertArrayEquals(new double[] {0, 5, 10, 3, 7, 11}, g0.toDoubleArray());
    Tensor sel = F.indexSelect(iota(3, 2, 2), TestSupport.longs(2, 0));
    assertArrayEquals(new int[] {2, 2, 2}, sel.shape());
    assertArrayEquals(new double[] {8, 9, 10, 11, 0, 1, 2, 3}, sel.toDoubleArray());
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> F.gather(x, 1, Tensor.ofLongs(new long[] {0, 0, 0, 0}, 4, 1)));
    assertTrue(big.getMessage().contains("larger than the input [3, 4] in dim 0"), big.getMessage());
    IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class, () -> F.gather(x, 1, Tensor.ofLongs(new long[] {4}, 1, 1)));
    assertTrue(range.getMessage().contains("gather index 4 out of range [0, 4) along dim 1"), range.getMessage());
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> F.embedding(x, TestSupport.longs(0, 3)));
    assertTrue(e.getMessage().contains("outside the table's 3 rows"), e.getMessage());
  }

  @Test
  void emptyTensors() {
    Tensor e = Tensor.zeros(DType.F32, Device.CPU, 2, 0);
    assertEquals(0, e.numel());
    assertArrayEquals(new float[0], e.exp().toFloatArray());
    assertArrayEquals(new int[] {2, 0}, e.add(1.0).shape());
    Tensor c = F.cat(List.of(Tensor.ones(2, 3), e, Tensor.zeros(2, 1)), 1);
    assertArrayEquals(new int[] {2, 4}, c.shape());
    assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1, 1, 0}, c.toFloatArray());
    assertArrayEquals(new int[] {0, 3}, F.cat(List.of(Tensor.zeros(0, 3), Tensor.zeros(0, 3)), 0).shape());
    assertArrayEquals(new float[0], e.mT().contiguous().toFloatArray());
    Tensor k0 = Tensor.zeros(DType.F64, Device.CPU, 2, 0).matmul(Tensor.zeros(DType.F64, Device.CPU, 0, 3));
    assertArrayEquals(new double[6], k0.toDoubleArray(), "a product over an empty inner dim is 0");
    assertArrayEquals(new int[] {0, 4}, Tensor.zeros(0, 4).softmax(-1).shape());
  }
}
