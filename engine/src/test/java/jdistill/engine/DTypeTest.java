package jdistill.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdistill.engine.cpu.HalfFloats;
import org.junit.jupiter.api.Test;

/** Element types: BF16 and F16 rounding (nearest-even, NaN, infinities), integer tensors and conversions. */
class DTypeTest {

  private static final float ONE_ULP_BF16 = 0x1p-7f;

  private static short bits16(Tensor t, int i) {
    byte[] b = t.toBytes();
    return (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8);
  }

  @Test
  void bf16RoundsToNearestEven() {
    float[] in = {
      1f, -2.5f, 0f, -0f,
      1f + 0x1p-8f, // halfway between 1 and 1 + 2^-7: ties to the even 1
      1f + 3 * 0x1p-8f, // halfway between 1 + 2^-7 and 1 + 2^-6: ties to the even 1 + 2^-6
      1f + 0x1p-8f + 0x1p-20f, // just above halfway: up
      1f + 0x1p-8f - 0x1p-20f, // just below halfway: down
      Float.MAX_VALUE, // rounds up past the largest BF16 to infinity
      Float.intBitsToFloat(0x7F7F0000), // the largest BF16, exact
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
      Float.MIN_VALUE, // the smallest subnormal rounds to 0
      Float.intBitsToFloat(0x00010000), // a BF16 subnormal, exact
    };
    float[] expected = {
      1f, -2.5f, 0f, -0f,
      1f, 1f + 2 * ONE_ULP_BF16, 1f + ONE_ULP_BF16, 1f,
      Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x7F7F0000),
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, Float.intBitsToFloat(0x00010000),
    };
    Tensor b = Tensor.of(in, in.length).to(DType.BF16);
    assertEquals(DType.BF16, b.dtype());
    float[] back = b.toFloatArray();
    for (int i = 0; i < in.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(back[i]), "BF16 of " + in[i] + " (case " + i + ")");
      assertEquals((short) (Float.floatToRawIntBits(expected[i]) >>> 16), bits16(b, i), "BF16 bits of case " + i);
    }
    assertEquals((short) 0x3F80, HalfFloats.floatToBf16(1f));
    assertEquals((short) 0xC020, HalfFloats.floatToBf16(-2.5f));
  }

  @Test
  void f16RoundsToNearestEven() {
    float ulp = 0x1p-10f;
    float[] in = {1f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 1f + 0x1p-11f + 0x1p-20f, 65504f, 65519f, 65520f, 1e-8f, 0x1p-24f, -0f, Float.NEGATIVE_INFINITY};
    float[] expected = {1f, 1f, 1f + 2 * ulp, 1f + ulp, 65504f, 65504f, Float.POSITIVE_INFINITY, 0f, 0x1p-24f, -0f, Float.NEGATIVE_INFINITY};
    float[] back = Tensor.of(in, in.length).to(DType.F16).toFloatArray();
    for (int i = 0; i < in.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(back[i]), "F16 of " + in[i] + " (case " + i + ")");
    }
    assertEquals((short) 0x3C00, bits16(Tensor.of(new float[] {1f}, 1).to(DType.F16), 0));
  }

  @Test
  void nanSurvivesHalfFormats() {
    float[] nans = {Float.NaN, Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC00000)};
    for (DType dt : new DType[] {DType.BF16, DType.F16}) {
      float[] back = Tensor.of(nans, 3).to(dt).toFloatArray();
      for (int i = 0; i < 3; i++) assertTrue(Float.isNaN(back[i]), dt + " NaN case " + i + " became " + back[i]);
    }
    // a NaN whose payload sits only in the low 16 bits must not truncate to infinity
    assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
  }

  @Test
  void doublesRoundOnceToHalfFormats() {
    double justAboveHalf = 1 + 0x1p-8 + 0x1p-40; // as a float this is exactly the BF16 halfway point
    double justBelowHalf = 1 + 0x1p-8 - 0x1p-40;
    double f16Above = 1 + 0x1p-11 + 0x1p-40;
    Tensor b = Tensor.of(new double[] {justAboveHalf, justBelowHalf, -justAboveHalf, 0.1, 1e-300, -1e300}, 6).to(DType.BF16);
    float[] bv = b.toFloatArray();
    assertEquals(1f + ONE_ULP_BF16, bv[0], "F64 -> BF16 rounds up above the halfway point");
    assertEquals(1f, bv[1]);
    assertEquals(-(1f + ONE_ULP_BF16), bv[2]);
    assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(0.1f)), bv[3]);
    assertEquals(0f, bv[4]);
    assertEquals(Float.NEGATIVE_INFINITY, bv[5]);
    assertEquals(1f + 0x1p-10f, Tensor.of(new double[] {f16Above}, 1).to(DType.F16).toFloatArray()[0], "F64 -> F16 rounds up above the halfway point");
    assertEquals(1f + ONE_ULP_BF16, Tensor.full(justAboveHalf, DType.BF16, Device.CPU, 2).toFloatArray()[1], "fill rounds once too");
  }

  @Test
  void halfTensorsRoundTripThroughBytesAndCompute() {
    Rng rng = new Rng(1);
    float[] v = new float[64];
    for (int i = 0; i < v.length; i++) v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16((float) rng.nextGaussian()));
    Tensor b = Tensor.of(v, 8, 8).to(DType.BF16);
    assertArrayEquals(v, b.toFloatArray(), "BF16-representable values are exact");
    MemorySegment bytes = MemorySegment.ofArray(b.toBytes());
    Tensor again = Tensor.fromSegment(bytes, DType.BF16, Device.CPU, 8, 8);
    assertArrayEquals(v, again.toFloatArray());
    assertEquals(128, bytes.byteSize());
    assertEquals(HalfFloats.floatToBf16(v[1]), bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
    // arithmetic on BF16 tensors computes in float and rounds the result
    Tensor sum = b.add(b.mT());
    assertEquals(DType.BF16, sum.dtype());
    float[] s = sum.toFloatArray();
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        float exact = v[i * 8 + j] + v[j * 8 + i];
        assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(exact)), s[i * 8 + j]);
      }
    }
    // transposed BF16 to F32 through the generic strided copy
    float[] t = b.mT().to(DType.F32).toFloatArray();
    assertEquals(v[8], t[1]);
  }

  @Test
  void integerTensors() {
    Tensor i32 = Tensor.ofInts(new int[] {-3, 0, 7, Integer.MAX_VALUE}, 2, 2);
    assertEquals(DType.I32, i32.dtype());
    assertArrayEquals(new long[] {-3, 0, 7, Integer.MAX_VALUE}, i32.toLongArray());
    assertArrayEquals(new double[] {-3, 0, 7, Integer.MAX_VALUE}, i32.toDoubleArray());
    Tensor i64 = i32.to(DType.I64);
    assertEquals(DType.I64, i64.dtype());
    assertArrayEquals(new long[] {-3, 0, 7, Integer.MAX_VALUE}, i64.toLongArray());
    assertArrayEquals(new long[] {-3, 7, 0, Integer.MAX_VALUE}, i64.mT().to(DType.I32).toLongArray());
    // longs beyond 2^53 survive I64 copies exactly (no detour through double)
    long big = (1L << 53) + 1;
    Tensor l = Tensor.ofLongs(new long[] {big, -big, 1, 2}, 2, 2);
    assertArrayEquals(new long[] {big, 1, -big, 2}, l.mT().contiguous().toLongArray());
    assertEquals(big, l.select(0, 0).select(0, 0).toLongArray()[0]);
    // float to integer truncates toward zero
    Tensor f = Tensor.of(new float[] {2.7f, -2.7f, 0.5f, -0.5f, 100f}, 5);
    assertArrayEquals(new long[] {2, -2, 0, 0, 100}, f.to(DType.I32).toLongArray());
    assertArrayEquals(new long[] {2, -2, 0, 0, 100}, f.to(DType.I64).toLongArray());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, Tensor.arange(5).toLongArray());
    assertEquals(DType.I64, Tensor.arange(3).dtype());
    // ids compare and mask like floats, and cannot require grad
    assertArrayEquals(new double[] {0, 1, 0, 0}, i32.eq(Tensor.ofInts(new int[] {0}, 1)).toDoubleArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> i32.requiresGrad(true));
    assertTrue(e.getMessage().contains("only floating-point tensors can require gradients"), e.getMessage());
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> i32.add(Tensor.zeros(2, 2)));
    assertTrue(mixed.getMessage().contains("different dtypes"), mixed.getMessage());
  }

  @Test
  void dataInAndOut() {
    Tensor x = Tensor.of(new double[] {1.5, -2.25, 3, 4}, 2, 2);
    assertArrayEquals(new float[] {1.5f, -2.25f, 3, 4}, x.toFloatArray());
    assertArrayEquals(new float[] {1.5f, 3, -2.25f, 4}, x.mT().toFloatArray());
    assertEquals(-2.25, x.select(0, 0).select(0, 1).item());
    IllegalStateException e = assertThrows(IllegalStateException.class, x::item);
    assertTrue(e.getMessage().contains("one-element tensor"), e.getMessage());
    IllegalArgumentException len = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
    assertTrue(len.getMessage().contains("needs 4"), len.getMessage());
    IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class, () -> Tensor.fromSegment(MemorySegment.ofArray(new byte[6]), DType.F32, Device.CPU, 2));
    assertTrue(bytes.getMessage().contains("expected 8 bytes"), bytes.getMessage());
  }

  @Test
  void halfPrecisionComputeOnTheCpu() {
    Rng rng = new Rng(2);
    for (DType dt : new DType[] {DType.BF16, DType.F16}) {
      double ulp = dt == DType.BF16 ? 0x1p-8 : 0x1p-11;
      Tensor x = Tensor.randn(rng, 2, 3, 5, 7).to(dt);
      Tensor x32 = x.to(DType.F32);
      for (boolean log : new boolean[] {false, true}) {
        Tensor got = log ? x.logSoftmax(-1) : x.softmax(1);
        Tensor ref = log ? x32.logSoftmax(-1) : x32.softmax(1);
        assertEquals(dt, got.dtype());
        TestSupport.assertClose(ref.toDoubleArray(), got.toDoubleArray(), 1e-6, 2 * ulp, dt + (log ? " logSoftmax" : " softmax"));
      }
      Tensor w = Tensor.uniform(rng, 0.5, 1.5, 7).to(dt);
      Tensor b = Tensor.uniform(rng, -1, 1, 7).to(dt);
      TestSupport.assertClose(F.layerNorm(x32, w.to(DType.F32), b.to(DType.F32), 1e-5).toDoubleArray(), F.layerNorm(x, w, b, 1e-5).toDoubleArray(), 4 * ulp, 4 * ulp, dt + " layerNorm");
      // matmul: F32 products of the exact widened values, rounded once (bit-exact), strided and batched
      Tensor m = Tensor.randn(rng, 1, 7, 4).to(dt);
      Tensor[][] pairs = {{x, m}, {x.mT(), x}, {x.select(0, 1), m.narrow(1, 1, 2)}};
      for (Tensor[] p : pairs) {
        Tensor got = p[0].matmul(p[1]);
        assertEquals(dt, got.dtype());
        assertArrayEquals(p[0].to(DType.F32).matmul(p[1].to(DType.F32)).to(dt).toFloatArray(), got.toFloatArray(), dt + " matmul " + Shapes.str(p[0].shape()) + " x " + Shapes.str(p[1].shape()));
      }
      Tensor leaf = x.detach().requiresGrad(true);
      leaf.softmax(-1).mul(leaf).sum().backward();
      assertEquals(dt, leaf.grad().dtype());
    }
  }
}
