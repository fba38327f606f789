package jdistill.bench.step;

/**
 * The model FLOPs of one distillation step, the convention of the PaLM paper's MFU (appendix B):
 * every matrix product counts {@code 2 m k n}, the backward pass twice the forward, elementwise
 * work (norms, softmax, losses, the optimizer) nothing, and causal attention is counted as if full.
 *
 * <p>Per token, with {@code N} the <em>matrix parameters</em> of a GPT-2 of {@code L} layers, width
 * {@code W}, 4W feed-forward and vocabulary {@code V}: {@code N = 12 L W^2 + V W} (per block qkv
 * 3W^2, projection W^2, feed-forward 8W^2; the tied head V W counted once as a product; the
 * embedding lookups, biases and norm scales are not products). Attention scores and the weighted
 * sum add {@code 4 L S W} per token forward at sequence length {@code S}. A step then costs
 * <pre>
 *   tokens * (6 N_s + 12 L_s S W_s      student forward + backward
 *           + 2 N_t +  4 L_t S W_t)     teacher forward only
 * </pre>
 * with {@code tokens = B S}. The same formula is in {@code bench/pytorch/distill_step.py}.
 */
public final class FlopCount {

  private FlopCount() {}

  /** {@code 12 L W^2 + V W}: the weights that take part in matrix products once per token. */
  public static long matrixParams(ModelShape m, int vocab) {
    return 12L * m.layers() * m.width() * m.width() + (long) vocab * m.width();
  }

  /** Forward FLOPs of one token: {@code 2 N + 4 L S W}. */
  public static double forwardPerToken(ModelShape m, int vocab, int seq) {
    return 2.0 * matrixParams(m, vocab) + 4.0 * m.layers() * seq * m.width();
  }

  /** FLOPs of one distillation step over {@code batch * seq} tokens (see the class comment). */
  public static double step(ModelShape teacher, ModelShape student, int vocab, int seq, int batch) {
    double tokens = (double) batch * seq;
    return tokens * (3.0 * forwardPerToken(student, vocab, seq) + forwardPerToken(teacher, vocab, seq));
  }
}
