package jdistill.models.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.KvCache;
import jdistill.models.transformer.TapRecorder;

/**
 * Autoregressive generation with GPT-2: prompts of different lengths are left-padded into one
 * batch (position ids follow the attention mask, so padding does not shift positions), each step
 * feeds only the new token through the KV cache (or, without cache, recomputes the whole prefix),
 * and the next token is chosen greedily or sampled with temperature, top-k, top-p and a
 * repetition penalty from a seeded {@link Rng}. A row stops at a stop token and is then padded.
 */
public final class Generator {

  /** Generated tokens per prompt (without the prompt) and the last-position logits [B, V] of each step. */
  public record Result(List<long[]> tokens, List<Tensor> stepLogits) {}

  private final Gpt2 model;
  private final boolean useCache;

  public Generator(Gpt2 model, boolean useCache) {
    this.model = model;
    this.useCache = useCache;
  }

  public Generator(Gpt2 model) {
    this(model, true);
  }

  public Result generate(List<long[]> prompts, GenerationConfig cfg) {
    if (prompts.isEmpty()) throw new IllegalArgumentException("no prompts");
    int b = prompts.size();
    int width = 0;
    for (int i = 0; i < b; i++) {
      if (prompts.get(i).length == 0) throw new IllegalArgumentException("prompt " + i + " is empty");
      width = Math.max(width, prompts.get(i).length);
    }
    int total = width + cfg.maxNewTokens();
    if (total > model.config().maxPositions()) {
      throw new IllegalArgumentException("prompt of " + width + " tokens plus " + cfg.maxNewTokens() + " new tokens exceeds the model's " + model.config().maxPositions() + " positions");
    }
    long[][] seq = new long[b][total];
    long[][] mask = new long[b][total];
    for (int i = 0; i < b; i++) {
      long[] p = prompts.get(i);
      int pad = width - p.length;
      Arrays.fill(seq[i], cfg.padToken());
      System.arraycopy(p, 0, seq[i], pad, p.length);
      for (int j = pad; j < total; j++) mask[i][j] = 1;
    }
    boolean wasTraining = model.isTraining();
    model.eval();
    Rng rng = new Rng(cfg.seed());
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < b; i++) out.add(new long[0]);
    boolean[] done = new boolean[b];
    List<Tensor> stepLogits = new ArrayList<>();
    KvCache cache = useCache ? new KvCache(model.config().layers()) : null;
    try (var g = GradMode.noGrad()) {
      int len = width;
      for (int step = 0; step < cfg.maxNewTokens(); step++) {
        int from = useCache && step > 0 ? len - 1 : 0;
        Tensor logits = model.forward(slice(seq, from, len), slice(mask, 0, len), positions(mask, from, len), cache, TapRecorder.none());
        Tensor last = logits.select(1, logits.shape(1) - 1).contiguous();
        stepLogits.add(last);
        float[] values = last.to(DType.F32).toFloatArray();
        int v = last.shape(1);
        for (int i = 0; i < b; i++) {
          long next;
          if (done[i]) {
            next = cfg.padToken();
          } else {
            float[] row = Arrays.copyOfRange(values, i * v, (i + 1) * v);
            next = Sampling.choose(row, seq[i], len, mask[i], cfg, rng);
            long[] o = Arrays.copyOf(out.get(i), out.get(i).length + 1);
            o[o.length - 1] = next;
            out.set(i, o);
            if (cfg.stopTokens().contains(next)) done[i] = true;
          }
          seq[i][len] = next;
        }
        len++;
        boolean all = true;
        for (boolean d : done) all &= d;
        if (all) break;
      }
    } finally {
      model.train(wasTraining);
    }
    return new Result(out, stepLogits);
  }

  private static Tensor slice(long[][] a, int from, int to) {
    long[] flat = new long[a.length * (to - from)];
    for (int i = 0; i < a.length; i++) System.arraycopy(a[i], from, flat, i * (to - from), to - from);
    return Tensor.ofLongs(flat, a.length, to - from);
  }

  /** Position ids: the number of real tokens before each position (0 for left padding). */
  private static Tensor positions(long[][] mask, int from, int to) {
    long[] flat = new long[mask.length * (to - from)];
    for (int i = 0; i < mask.length; i++) {
      long count = 0;
      for (int j = 0; j < to; j++) {
        long pos = mask[i][j] != 0 ? count++ : 0;
        if (j >= from) flat[i * (to - from) + j - from] = pos;
      }
    }
    return Tensor.ofLongs(flat, mask.length, to - from);
  }
}
