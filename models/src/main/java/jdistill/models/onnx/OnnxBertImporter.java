package jdistill.models.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdistill.engine.DType;
import jdistill.engine.Tensor;
import jdistill.models.hf.BertConfig;
import jdistill.models.hf.HfConfig;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;

/**
 * Turns a BERT-family ONNX export (PyTorch / Hugging Face Optimum / sentence-transformers) into a
 * Hugging Face BERT state dict and config. Embeddings, layer norms and biases keep their parameter
 * names in such exports; the Linear weights are found through the graph ({@link LinearWeights})
 * and transposed back to [out, in]. Sizes come from the weights' shapes; the head count, FFN
 * activation and layer-norm epsilon from the graph ({@link BertGraphHints}) unless given.
 * Parameter names may carry a prefix ({@code bert.}); a {@code classifier} layer outside it makes
 * the result a {@code BertForSequenceClassification} (with a pooler) or
 * {@code BertForTokenClassification} (without) checkpoint, names prefixed {@code bert.} as
 * Hugging Face saves them; otherwise it is a bare {@code BertModel}.
 */
public final class OnnxBertImporter {

  /** What the importer cannot read from the file: {@code heads} overrides the detected head count when not null. */
  public record Options(Integer heads) {
    /** Detect everything. */
    public static Options detect() {
      return new Options(null);
    }
  }

  /** The imported checkpoint: config, state dict with Hugging Face names in their order, and notes on what was inferred or ignored. */
  public record Result(BertConfig config, Map<String, Tensor> stateDict, List<String> notes) {
    public Result {
      stateDict = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stateDict));
      notes = List.copyOf(notes);
    }
  }

  static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
  /** Initializer names that look like module parameters or buffers (not exporter-generated constants). */
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");
  private static final Map<String, String> TORCH_DTYPES = Map.of("F32", "float32", "F16", "float16", "BF16", "bfloat16", "F64", "float64");

  /** Where a state-dict entry comes from: an initializer, transposed or not. */
  private record Source(String initializer, boolean transpose) {}

  private OnnxBertImporter() {}

  /** Imports {@code model}; errors name the file and the tensor or node at fault. */
  public static Result importBert(OnnxModel model, Options options) {
    String src = model.source();
    List<String> notes = new ArrayList<>();
    String prefix = prefix(model);

    Map<String, Source> params = new LinkedHashMap<>();
    for (String name : model.initializers().keySet()) {
      if (name.startsWith(prefix)) params.put(normalize(name.substring(prefix.length())), new Source(name, false));
    }
    Map<String, Source> outside = new LinkedHashMap<>();
    List<String> intermediateOutputs = new ArrayList<>();
    for (LinearWeights.Match m : LinearWeights.find(model).values()) {
      if (m.layer().startsWith(prefix)) {
        String rel = m.layer().substring(prefix.length());
        params.put(rel + ".weight", new Source(m.initializer(), m.storedTransposed()));
        if (rel.matches("encoder\\.layer\\.\\d+\\.intermediate\\.dense")) intermediateOutputs.add(m.output());
      } else {
        outside.put(m.layer() + ".weight", new Source(m.initializer(), m.storedTransposed()));
        if (model.initializer(m.layer() + ".bias") != null) outside.put(m.layer() + ".bias", new Source(m.layer() + ".bias", false));
      }
    }

    int[] word = dims(model, prefix + WORD_EMBEDDINGS);
    if (word.length != 2) throw new OnnxFormatException(src + ": tensor \"" + prefix + WORD_EMBEDDINGS + "\" has shape " + Arrays.toString(word) + ", expected [vocab, hidden]");
    int vocab = word[0];
    int hidden = word[1];
    int positions = firstDim(model, params, prefix, "embeddings.position_embeddings.weight", "");
    int typeVocab = firstDim(model, params, prefix, "embeddings.token_type_embeddings.weight",
        " (an export without a token_type_ids input folds the token type embeddings into a constant; re-export with token_type_ids)");
    int layers = layerCount(src, prefix, params);
    int intermediate = firstDim(model, params, prefix, "encoder.layer.0.intermediate.dense.bias", "");

    int heads;
    if (options.heads() != null) {
      heads = options.heads();
      if (heads <= 0 || hidden % heads != 0) {
        throw new OnnxFormatException(src + ": " + heads + " attention heads do not divide the hidden size " + hidden);
      }
      BertGraphHints.Found<Integer> detected = detectHeadsQuietly(model, hidden);
      if (detected != null && detected.value() != heads) {
        notes.add("using " + heads + " heads as asked, although the graph suggests " + detected.value() + " (" + detected.how() + ")");
      }
    } else {
      BertGraphHints.Found<Integer> detected = BertGraphHints.heads(model, hidden);
      if (detected == null) {
        throw new OnnxFormatException(src + ": cannot find the number of attention heads in the graph (no [batch, seq, heads, head_dim] "
            + "reshape with a constant head count, no num_heads attribute, no recognisable score scaling); give it explicitly (--heads N)");
      }
      heads = detected.value();
      notes.add(heads + " attention heads, from the " + detected.how());
    }

    BertGraphHints.Found<String> act = BertGraphHints.activation(model, intermediateOutputs);
    String hiddenAct = act == null ? "gelu" : act.value();
    notes.add(act == null ? "FFN activation not recognised in the graph; assuming \"gelu\"" : "hidden_act \"" + hiddenAct + "\", from " + act.how());
    BertGraphHints.Found<Double> eps = BertGraphHints.layerNormEps(model);
    double layerNormEps = eps == null ? 1e-12 : eps.value();
    notes.add(eps == null ? "layer-norm epsilon not found in the graph; assuming 1e-12" : "layer_norm_eps " + layerNormEps + ", from " + eps.how());

    boolean pooler = params.containsKey("pooler.dense.weight") || params.containsKey("pooler.dense.bias");
    boolean classifier = outside.containsKey("classifier.weight");
    List<String> architectures = List.of("BertModel");
    List<String> labels = List.of();
    if (classifier) {
      int numLabels = dims(model, outside.get("classifier.weight").initializer())[outside.get("classifier.weight").transpose() ? 1 : 0];
      List<String> generated = new ArrayList<>();
      for (int i = 0; i < numLabels; i++) generated.add("LABEL_" + i);
      labels = generated;
      architectures = List.of(pooler ? "BertForSequenceClassification" : "BertForTokenClassification");
      notes.add("classifier head with " + numLabels + " labels; taken as " + architectures.get(0) + " (" + (pooler ? "it has" : "no") + " pooler)");
    }
    DType dtype = OnnxTensors.dtypeOrNull(model.initializer(prefix + WORD_EMBEDDINGS));
    String torchDtype = dtype == null ? null : TORCH_DTYPES.get(dtype.name());
    BertConfig config;
    try {
      config = new BertConfig(vocab, hidden, layers, heads, intermediate, hiddenAct, 0.1, 0.1, positions, typeVocab, 0.02, layerNormEps, 0,
          null, architectures, labels, null, torchDtype, HfConfig.TRANSFORMERS_VERSION, Map.of());
    } catch (RuntimeException e) {
      throw new OnnxFormatException(src + ": the weights describe an invalid BERT: " + e.getMessage(), e);
    }

    Map<String, int[]> expected = expectedShapes(config, pooler);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Source s = params.get(e.getKey());
      if (s == null) {
        problems.add("missing " + prefix + e.getKey() + (e.getKey().endsWith(".weight") && !e.getKey().contains("LayerNorm") && !e.getKey().startsWith("embeddings")
            ? " (no MatMul or Gemm whose output is added to " + prefix + e.getKey().replace(".weight", ".bias") + ")" : ""));
        continue;
      }
      int[] shape = shapeOf(model, s);
      if (!Arrays.equals(shape, e.getValue())) {
        problems.add(prefix + e.getKey() + " (from \"" + s.initializer() + "\") has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(e.getValue()));
      }
    }
    if (classifier) {
      int[] w = shapeOf(model, outside.get("classifier.weight"));
      if (w[1] != hidden) problems.add("classifier.weight has shape " + Arrays.toString(w) + ", expected [labels, " + hidden + "]");
    }
    if (!problems.isEmpty()) {
      throw new OnnxFormatException(src + ": not a complete BERT (" + layers + " layers, hidden " + hidden + "): "
          + String.join("; ", problems.subList(0, Math.min(problems.size(), 12))) + (problems.size() > 12 ? "; and " + (problems.size() - 12) + " more" : ""));
    }

    String outPrefix = classifier ? "bert." : "";
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (String name : expected.keySet()) state.put(outPrefix + name, load(model, params.get(name)));
    if (classifier) {
      state.put("classifier.weight", load(model, outside.get("classifier.weight")));
      if (outside.containsKey("classifier.bias")) state.put("classifier.bias", load(model, outside.get("classifier.bias")));
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String name : expected.keySet()) used.add(params.get(name).initializer());
    if (classifier) {
      used.add(outside.get("classifier.weight").initializer());
      if (outside.containsKey("classifier.bias")) used.add(outside.get("classifier.bias").initializer());
    }
    List<String> unused = new ArrayList<>();
    for (String name : model.initializers().keySet()) {
      if (!used.contains(name) && PARAMETER_NAME.matcher(name).matches()) unused.add(name);
    }
    if (!unused.isEmpty()) notes.add("not imported: " + String.join(", ", unused));
    return new Result(config, state, notes);
  }

  /** The Hugging Face BERT state dict's names and shapes for {@code c}, in Hugging Face's order. */
  public static Map<String, int[]> expectedShapes(BertConfig c, boolean pooler) {
    int h = c.hiddenSize();
    Map<String, int[]> m = new LinkedHashMap<>();
    m.put("embeddings.word_embeddings.weight", new int[] {c.vocabSize(), h});
    m.put("embeddings.position_embeddings.weight", new int[] {c.maxPositionEmbeddings(), h});
    m.put("embeddings.token_type_embeddings.weight", new int[] {c.typeVocabSize(), h});
    m.put("embeddings.LayerNorm.weight", new int[] {h});
    m.put("embeddings.LayerNorm.bias", new int[] {h});
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String l = "encoder.layer." + i + ".";
      for (String qkv : List.of("query", "key", "value")) {
        m.put(l + "attention.self." + qkv + ".weight", new int[] {h, h});
        m.put(l + "attention.self." + qkv + ".bias", new int[] {h});
      }
      m.put(l + "attention.output.dense.weight", new int[] {h, h});
      m.put(l + "attention.output.dense.bias", new int[] {h});
      m.put(l + "attention.output.LayerNorm.weight", new int[] {h});
      m.put(l + "attention.output.LayerNorm.bias", new int[] {h});
      m.put(l + "intermediate.dense.weight", new int[] {c.intermediateSize(), h});
      m.put(l + "intermediate.dense.bias", new int[] {c.intermediateSize()});
      m.put(l + "output.dense.weight", new int[] {h, c.intermediateSize()});
      m.put(l + "output.dense.bias", new int[] {h});
      m.put(l + "output.LayerNorm.weight", new int[] {h});
      m.put(l + "output.LayerNorm.bias", new int[] {h});
    }
    if (pooler) {
      m.put("pooler.dense.weight", new int[] {h, h});
      m.put("pooler.dense.bias", new int[] {h});
    }
    return m;
  }

  /** The text before {@code embeddings.word_embeddings.weight}: "" or e.g. "bert.". */
  private static String prefix(OnnxModel model) {
    List<String> hits = new ArrayList<>();
    for (String name : model.initializers().keySet()) {
      if (name.equals(WORD_EMBEDDINGS) || name.endsWith("." + WORD_EMBEDDINGS)) hits.add(name);
    }
    if (hits.isEmpty()) {
      List<String> some = model.initializers().keySet().stream().limit(5).toList();
      throw new OnnxFormatException(model.source() + ": no BERT-shaped initializers: expected a tensor named " + WORD_EMBEDDINGS
          + " (optionally prefixed, e.g. bert." + WORD_EMBEDDINGS + "); the file has " + model.initializers().size()
          + " initializers" + (some.isEmpty() ? "" : ", e.g. " + some));
    }
    if (hits.size() > 1) throw new OnnxFormatException(model.source() + ": several word embedding tables: " + hits + "; expected one BERT");
    String hit = hits.get(0);
    return hit.substring(0, hit.length() - WORD_EMBEDDINGS.length());
  }

  /** Old checkpoints name layer-norm parameters gamma/beta. */
  private static String normalize(String rel) {
    if (rel.endsWith("LayerNorm.gamma")) return rel.substring(0, rel.length() - "gamma".length()) + "weight";
    if (rel.endsWith("LayerNorm.beta")) return rel.substring(0, rel.length() - "beta".length()) + "bias";
    return rel;
  }

  private static int layerCount(String src, String prefix, Map<String, Source> params) {
    TreeSet<Integer> seen = new TreeSet<>();
    for (String rel : params.keySet()) {
      Matcher m = LAYER.matcher(rel);
      if (m.find()) seen.add(Integer.parseInt(m.group(1)));
    }
    if (seen.isEmpty()) throw new OnnxFormatException(src + ": no encoder layers: expected tensors named " + prefix + "encoder.layer.N.*");
    return seen.last() + 1;
  }

  private static int firstDim(OnnxModel model, Map<String, Source> params, String prefix, String rel, String hint) {
    Source s = params.get(rel);
    if (s == null) throw new OnnxFormatException(model.source() + ": no tensor " + prefix + rel + hint);
    int[] d = dims(model, s.initializer());
    if (d.length == 0) throw new OnnxFormatException(model.source() + ": tensor " + prefix + rel + " is a scalar");
    return d[0];
  }

  private static int[] dims(OnnxModel model, String initializer) {
    TensorProto t = model.initializer(initializer);
    if (t == null) throw new OnnxFormatException(model.source() + ": no initializer named \"" + initializer + "\"");
    return OnnxTensors.shape(t, model.source());
  }

  private static int[] shapeOf(OnnxModel model, Source s) {
    int[] d = dims(model, s.initializer());
    return s.transpose() ? new int[] {d[1], d[0]} : d;
  }

  private static Tensor load(OnnxModel model, Source s) {
    Tensor t = model.tensor(s.initializer());
    return s.transpose() ? t.transpose(0, 1).contiguous() : t;
  }

  private static BertGraphHints.Found<Integer> detectHeadsQuietly(OnnxModel model, int hidden) {
    try {
      return BertGraphHints.heads(model, hidden);
    } catch (OnnxFormatException e) {
      return null;
    }
  }
}
