package jdistill.bench.step;

import jdistill.engine.DType;
import jdistill.engine.Device;

/**
 * What the step benchmark runs: teacher and student sizes, sequence length, batch, vocabulary,
 * attention head width, device and parameter dtype, and how many steps to warm up and to time.
 *
 * @param headDim width of one attention head (heads = width / headDim; 64 as in GPT-2)
 */
public record StepConfig(
    Device device, DType dtype, ModelShape teacher, ModelShape student, int seq, int batch, int vocab, int headDim, int warmup, int steps) {

  public StepConfig {
    if (dtype != DType.F32 && dtype != DType.BF16) throw new IllegalArgumentException("--dtype must be f32 or bf16, got " + dtype);
    if (seq < 2) throw new IllegalArgumentException("--seq must be at least 2 (the shifted LM loss needs two positions), got " + seq);
    if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
    if (vocab < 2) throw new IllegalArgumentException("--vocab must be at least 2, got " + vocab);
    if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
    if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    if (headDim < 1) throw new IllegalArgumentException("head width must be at least 1, got " + headDim);
    for (ModelShape m : new ModelShape[] {teacher, student}) {
      if (m.width() % headDim != 0) {
        throw new IllegalArgumentException("model width " + m.width() + " (" + m + ") is not a multiple of the head width " + headDim);
      }
    }
  }

  /** Tokens per step: {@code batch * seq}. */
  public long tokens() {
    return (long) batch * seq;
  }

  /** Model FLOPs of one step ({@link FlopCount#step}). */
  public double flopsPerStep() {
    return FlopCount.step(teacher, student, vocab, seq, batch);
  }
}
