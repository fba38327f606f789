package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoalescedTest {

  @Test
  void contiguousOperandsBecomeOneDimension() {
    Coalesced c = Coalesced.of(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1});
    assertArrayEquals(new long[] {24}, c.shape());
    assertArrayEquals(new long[] {1}, c.strides()[0]);
    assertTrue(c.contiguous(0));
    assertTrue(c.contiguous(1));
  }

  @Test
  void sizeOneDimsAreDroppedAndScalarsKeepOneElement() {
    Coalesced c = Coalesced.of(new int[] {1, 5, 1}, new int[] {99, 2, 77});
    assertArrayEquals(new long[] {5}, c.shape());
    assertArrayEquals(new long[] {2}, c.strides()[0]);
    assertFalse(c.contiguous(0));
    Coalesced s = Coalesced.of(new int[] {}, new int[] {});
    assertArrayEquals(new long[] {1}, s.shape());
    assertArrayEquals(new long[] {0}, s.strides()[0]);
  }

  @Test
  void broadcastAndTransposedLayoutsKeepTheirDims() {
    // a row broadcast over 4 rows next to a contiguous output
    Coalesced b = Coalesced.of(new int[] {4, 6}, new int[] {0, 1}, new int[] {6, 1});
    assertArrayEquals(new long[] {4, 6}, b.shape());
    assertArrayEquals(new long[] {0, 1}, b.strides()[0]);
    assertArrayEquals(new long[] {6, 1}, b.strides()[1]);
    // a scalar broadcast everywhere merges fully
    Coalesced z = Coalesced.of(new int[] {3, 4, 5}, new int[] {0, 0, 0}, new int[] {20, 5, 1});
    assertArrayEquals(new long[] {60}, z.shape());
    // a transpose stays two dims
    Coalesced t = Coalesced.of(new int[] {5, 3}, new int[] {1, 5});
    assertArrayEquals(new long[] {5, 3}, t.shape());
    assertArrayEquals(new long[] {1, 5}, t.strides()[0]);
    // inner dims merge while outer ones do not: [2, 3, 4] narrowed in dim 0 of a [2, 7, 3, 4]-like buffer
    Coalesced n = Coalesced.of(new int[] {2, 3, 4}, new int[] {84, 4, 1});
    assertArrayEquals(new long[] {2, 12}, n.shape());
    assertArrayEquals(new long[] {84, 1}, n.strides()[0]);
  }

  @Test
  void moreThanEightUnmergeableDimsAreRefused() {
    int[] shape = new int[9];
    int[] strides = new int[9];
    for (int i = 0; i < 9; i++) {
      shape[i] = 2;
      strides[i] = 1 << (2 * (8 - i)); // gaps everywhere: nothing merges
    }
    Coalesced c = Coalesced.of(shape, strides);
    assertEquals(9, c.rank());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> c.requireAtMost8("copy"));
    assertTrue(e.getMessage().startsWith("copy on CUDA: the operands have 9 dimensions"), e.getMessage());
  }
}
