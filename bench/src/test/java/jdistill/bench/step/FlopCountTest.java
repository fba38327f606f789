package jdistill.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The step's FLOP formula against a product-by-product hand count. */
class FlopCountTest {

  /** 2 m k n for one product. */
  private static double mm(double m, double k, double n) {
    return 2 * m * k * n;
  }

  /** Forward FLOPs of one sequence, listing every matrix product of a GPT-2 forward pass. */
  private static double forwardByHand(int layers, int w, int heads, int seq, int vocab) {
    int hd = w / heads;
    double perLayer = mm(seq, w, 3 * w) // qkv
        + heads * mm(seq, hd, seq) // q k^T per head (full, not causal-halved)
        + heads * mm(seq, seq, hd) // p v per head
        + mm(seq, w, w) // attention output projection
        + mm(seq, w, 4 * w) // feed-forward up
        + mm(seq, 4 * w, w); // feed-forward down
    return layers * perLayer + mm(seq, w, vocab); // tied head
  }

  @Test
  void matchesAHandCountOfEveryProduct() {
    ModelShape teacher = new ModelShape(2, 64);
    ModelShape student = new ModelShape(1, 64);
    int seq = 32, batch = 2, vocab = 100;
    // training = forward + backward (twice the forward) for the student; forward only for the teacher
    double expected = batch * (3 * forwardByHand(1, 64, 1, seq, vocab) + forwardByHand(2, 64, 1, seq, vocab));
    assertEquals(expected, FlopCount.step(teacher, student, vocab, seq, batch), 1e-6 * expected);
    // and by hand in numbers: student N = 12*64^2 + 100*64 = 55552
    assertEquals(55552, FlopCount.matrixParams(student, vocab));
    assertEquals(2 * 55552 + 4 * 1 * 32 * 64, FlopCount.forwardPerToken(student, vocab, seq), 0);
  }

  @Test
  void gpt2SmallDistillationAtDefaultShapes() {
    ModelShape teacher = new ModelShape(12, 768);
    ModelShape student = new ModelShape(6, 768);
    double expected = 8 * (3 * forwardByHand(6, 768, 12, 1024, 50257) + forwardByHand(12, 768, 12, 1024, 50257));
    double got = FlopCount.step(teacher, student, 50257, 1024, 8);
    assertEquals(expected, got, 1e-9 * expected);
    // the figure docs/BENCHMARKS.md and bench/pytorch/common.py give for these shapes
    assertEquals(6_781_535_256_576.0, got, 0.5);
    // 124M-parameter GPT-2 small: 12 L W^2 + V W = 123.5M matrix parameters (position table aside)
    assertEquals(123_532_032L, FlopCount.matrixParams(teacher, 50257));
  }

  @Test
  void peakRatesByDeviceName() {
    assertEquals(989, PeakRates.tflops("cuda:0 (NVIDIA H100 80GB HBM3, 132 SMs)", jdistill.engine.DType.BF16));
    assertEquals(494, PeakRates.tflops("cuda:0 (NVIDIA H200, 132 SMs)", jdistill.engine.DType.F32));
    assertEquals(756, PeakRates.tflops("NVIDIA H100 PCIe", jdistill.engine.DType.BF16));
    assertEquals(Double.NaN, PeakRates.tflops("cpu (2 cores)", jdistill.engine.DType.F32));
  }
}
