package jdistill.models.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.Encoding;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.Truncation;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;

/**
 * Runs a {@link ModelFolder}'s model over lines of text: each line is tokenized on its own with
 * the folder's tokenizer (special tokens as its post-processor adds them; the truncation and
 * padding written in the tokenizer file are replaced by this run's), lines longer than the limit
 * are truncated (or refused), and the lines go through the model in batches of similar length,
 * right-padded and masked. The results are laid out as [lines, longest, ...] in input order, with
 * zeros at every padding position, so that what a line gets does not depend on its batch.
 */
public final class BatchForward {

  /**
   * @param maxLength most tokens per line (special tokens included), or null for the model's positions
   * @param batchSize lines per forward pass
   * @param failOnTruncation refuse over-long lines instead of truncating them
   * @param logits compute and keep the head's logits (when the model has a head)
   */
  public record Options(Integer maxLength, int batchSize, boolean failOnTruncation, boolean logits) {
    public Options {
      if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
      if (maxLength != null && maxLength <= 0) throw new IllegalArgumentException("max length must be positive, got " + maxLength);
    }

    /** Model's positions, batches of 8, truncation with a warning, logits kept. */
    public static Options defaults() {
      return new Options(null, 8, false, true);
    }
  }

  /** The lines as token ids (unpadded), the lines (1-based) that were truncated, and the limit applied. */
  public record Tokenized(List<Encoding> encodings, List<Integer> truncatedLines, int limit) {
    public Tokenized {
      encodings = List.copyOf(encodings);
      truncatedLines = List.copyOf(truncatedLines);
    }

    /** Tokens of the longest line. */
    public int longest() {
      int n = 0;
      for (Encoding e : encodings) n = Math.max(n, e.length());
      return n;
    }
  }

  /**
   * What a run produced, row-major. {@code lastHidden} is [rows, width, hidden]; {@code pooled}
   * [rows, hidden] for a BERT with a pooler, else null; {@code logits} has shape {@code
   * logitsShape} ([rows, width, V] for token heads, [rows, labels] for sequence classification),
   * or both are null.
   */
  public record Result(int rows, int width, int hidden, long[] inputIds, long[] attentionMask, float[] lastHidden, float[] pooled,
      int[] logitsShape, float[] logits, Tokenized tokenized) {

    /**
     * The outputs as named tensors: {@code input_ids} and {@code attention_mask} (I64 [rows,
     * width]), {@code last_hidden_state} (F32), and {@code pooler_output} and {@code logits} when
     * present.
     */
    public Map<String, Tensor> tensors() {
      Map<String, Tensor> out = new LinkedHashMap<>();
      out.put("input_ids", Tensor.ofLongs(inputIds, rows, width));
      out.put("attention_mask", Tensor.ofLongs(attentionMask, rows, width));
      out.put("last_hidden_state", Tensor.of(lastHidden, rows, width, hidden));
      if (pooled != null) out.put("pooler_output", Tensor.of(pooled, rows, hidden));
      if (logits != null) out.put("logits", Tensor.of(logits, logitsShape));
      return out;
    }
  }

  private BatchForward() {}

  /** Tokenizes {@code lines} for {@code folder}'s model under {@code options}' length limit. */
  public static Tokenized tokenize(ModelFolder folder, List<String> lines, Options options) throws InputTooLongException {
    int positions = folder.maxPositions();
    if (options.maxLength() != null && options.maxLength() > positions) {
      throw new IllegalArgumentException("max length " + options.maxLength() + " exceeds the model's " + positions + " positions");
    }
    int limit = options.maxLength() != null ? options.maxLength() : positions;
    Tokenizer base = folder.tokenizer().withTruncation(null).withPadding(null);
    List<Encoding> encodings = new ArrayList<>(base.encodeBatch(lines, true));
    List<Integer> tooLong = new ArrayList<>();
    for (int i = 0; i < encodings.size(); i++) if (encodings.get(i).length() > limit) tooLong.add(i + 1);
    if (!tooLong.isEmpty() && options.failOnTruncation()) {
      int first = tooLong.get(0);
      throw new InputTooLongException("line " + first + " has " + encodings.get(first - 1).length() + " tokens, more than the " + limit + " allowed"
          + (tooLong.size() > 1 ? " (" + tooLong.size() + " lines are too long: " + listLines(tooLong) + ")" : ""), tooLong, limit);
    }
    if (!tooLong.isEmpty()) {
      Tokenizer cut = base.withTruncation(Truncation.longestFirst(limit));
      for (int line : tooLong) {
        Encoding e = cut.encode(lines.get(line - 1), true);
        if (e.length() > limit) {
          throw new IllegalArgumentException("a max length of " + limit + " leaves no room for text: line " + line + " still has " + e.length()
              + " tokens after truncation (the tokenizer adds special tokens)");
        }
        encodings.set(line - 1, e);
      }
    }
    return new Tokenized(encodings, tooLong, limit);
  }

  /** Line numbers for a message: all of them up to 20, then how many more. */
  public static String listLines(List<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    int shown = Math.min(20, lines.size());
    for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append(lines.get(i));
    if (lines.size() > shown) sb.append(" and ").append(lines.size() - shown).append(" more");
    return sb.toString();
  }

  /** Tokenizes and runs {@code lines}. */
  public static Result run(ModelFolder folder, List<String> lines, Options options) throws InputTooLongException {
    if (lines.isEmpty()) throw new IllegalArgumentException("no lines to run");
    return run(folder, tokenize(folder, lines, options), options);
  }

  /** Runs already tokenized lines. */
  public static Result run(ModelFolder folder, Tokenized tokenized, Options options) {
    List<Encoding> enc = tokenized.encodings();
    int n = enc.size();
    int width = tokenized.longest();
    int h = folder.spec().config().hidden();
    Module model = folder.model();
    int[] logitsShape = !options.logits() ? null : switch (model) {
      case Gpt2 g -> new int[] {n, width, g.config().vocabSize()};
      case BertForMaskedLm m -> new int[] {n, width, m.config().vocabSize()};
      case BertForTokenClassification t -> new int[] {n, width, t.numLabels()};
      case BertForSequenceClassification s -> new int[] {n, s.numLabels()};
      default -> null;
    };
    boolean pooler = model instanceof Bert b && b.hasPooler();
    long[] ids = new long[size(n, width, 1)];
    long[] mask = new long[ids.length];
    float[] hidden = new float[size(n, width, h)];
    float[] pooled = pooler ? new float[size(n, h, 1)] : null;
    float[] logits = logitsShape == null ? null : new float[size(logitsShape)];
    for (int i = 0; i < n; i++) {
      int[] e = enc.get(i).ids();
      for (int p = 0; p < e.length; p++) {
        ids[i * width + p] = e[p];
        mask[i * width + p] = 1;
      }
    }
    // longest first, so that a batch holds lines of similar length
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> enc.get(i).length()).reversed().thenComparingInt(i -> i));
    int pad = folder.padId();
    try (var g = GradMode.noGrad()) {
      for (int from = 0; from < n; from += options.batchSize()) {
        int b = Math.min(options.batchSize(), n - from);
        int s = enc.get(order[from]).length();
        if (s == 0) break; // only empty lines are left: all padding
        long[] bIds = new long[b * s];
        long[] bMask = new long[b * s];
        long[] bTypes = new long[b * s];
        Arrays.fill(bIds, pad);
        for (int r = 0; r < b; r++) {
          Encoding e = enc.get(order[from + r]);
          for (int p = 0; p < e.length(); p++) {
            bIds[r * s + p] = e.ids()[p];
            bMask[r * s + p] = 1;
            bTypes[r * s + p] = e.typeIds()[p];
          }
        }
        Out out = call(model, Tensor.ofLongs(bIds, b, s), Tensor.ofLongs(bMask, b, s), Tensor.ofLongs(bTypes, b, s), pooler);
        float[] hid = out.hidden().toFloatArray();
        float[] pool = pooler ? out.pooled().toFloatArray() : null;
        float[] lg = logits != null ? out.logits().toFloatArray() : null;
        for (int r = 0; r < b; r++) {
          int row = order[from + r];
          int len = enc.get(row).length();
          System.arraycopy(hid, r * s * h, hidden, row * width * h, len * h);
          if (pool != null) System.arraycopy(pool, r * h, pooled, row * h, h);
          if (lg != null && logitsShape.length == 3) {
            int v = logitsShape[2];
            System.arraycopy(lg, r * s * v, logits, row * width * v, len * v);
          } else if (lg != null) {
            int labels = logitsShape[1];
            System.arraycopy(lg, r * labels, logits, row * labels, labels);
          }
        }
      }
    }
    return new Result(n, width, h, ids, mask, hidden, pooled, logitsShape, logits, tokenized);
  }

  private record Out(Tensor hidden, Tensor pooled, Tensor logits) {}

  private static Out call(Module model, Tensor ids, Tensor mask, Tensor types, boolean pool) {
    return switch (model) {
      case Gpt2 g -> {
        TapRecorder taps = TapRecorder.none().request(Tap.FINAL_HIDDEN);
        Tensor logits = g.forward(ids, mask, null, null, taps);
        yield new Out(taps.get(Tap.FINAL_HIDDEN), null, logits);
      }
      case Bert b -> {
        Tensor hidden = b.forward(ids, mask, types, TapRecorder.none());
        yield new Out(hidden, pool ? b.pool(hidden) : null, null);
      }
      case BertForMaskedLm m -> of(m.forward(ids, mask, types, TapRecorder.none()));
      case BertForTokenClassification t -> of(t.forward(ids, mask, types, TapRecorder.none()));
      case BertForSequenceClassification s -> of(s.forward(ids, mask, types, TapRecorder.none()));
      default -> throw new IllegalArgumentException("cannot run a " + model.getClass().getSimpleName());
    };
  }

  private static Out of(ModelOutput o) {
    return new Out(o.lastHidden(), null, o.logits());
  }

  private static int size(int... dims) {
    long n = 1;
    for (int d : dims) n *= d;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("output of shape " + Arrays.toString(dims) + " has " + n + " values, more than one array holds; run fewer lines at a time"
          + " or leave out the logits");
    }
    return (int) n;
  }
}
