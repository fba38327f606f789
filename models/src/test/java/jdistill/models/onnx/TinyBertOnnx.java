package jdistill.models.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.models.onnx.proto.OnnxProto.AttributeProto;
import jdistill.models.onnx.proto.OnnxProto.GraphProto;
import jdistill.models.onnx.proto.OnnxProto.ModelProto;
import jdistill.models.onnx.proto.OnnxProto.NodeProto;
import jdistill.models.onnx.proto.OnnxProto.OperatorSetIdProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;
import jdistill.models.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Builds small BERT graphs shaped like PyTorch's ONNX exports, in the variants exporters produce
 * (folded [in, out] MatMul weights under generated names or Transpose nodes over named weights,
 * bias before or after the product, head counts as constant shapes or Concat pieces, decomposed or
 * fused layer norms, exact or tanh GELU, raw or typed tensor data), and remembers the PyTorch
 * parameters it stored so a test can compare the import with them.
 */
final class TinyBertOnnx {

  enum Heads { CONSTANT_SHAPE, CONCAT, SCALE_ONLY, NONE }

  enum Storage { RAW, FLOAT_DATA, FLOAT16_INT32_DATA }

  int layers = 2;
  int hidden = 8;
  int heads = 2;
  int inter = 16;
  int vocab = 11;
  int positions = 7;
  int types = 2;
  String prefix = "";
  boolean biasFirst = true;
  boolean transposeNodes = false;
  Heads headsEvidence = Heads.CONSTANT_SHAPE;
  String activation = "erf";
  boolean fusedLayerNorm = false;
  float eps = 1e-12f;
  boolean pooler = true;
  boolean classifier = false;
  int labels = 3;
  Storage storage = Storage.RAW;

  /** The PyTorch parameters stored, by Hugging Face name (without prefix), [out, in] for Linear weights. */
  final Map<String, float[]> torch = new LinkedHashMap<>();
  final Map<String, int[]> torchShapes = new LinkedHashMap<>();

  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<TensorProto> inits = new ArrayList<>();
  private int counter = 100;

  private ModelProto built;

  /** The model (built once; later calls return the same one). */
  ModelProto build() {
    if (built == null) built = buildOnce();
    return built;
  }

  private ModelProto buildOnce() {
    String x = embeddings();
    for (int i = 0; i < layers; i++) x = layer(i, x);
    String out = x;
    if (pooler) {
      String first = node("Gather", List.of(x, constInts("cls", new long[] {0}, true)), attrI("axis", 1));
      String pooled = gemmNamed(prefix + "pooler.dense", "pooler.dense", first, hidden, hidden);
      out = node("Tanh", List.of(pooled));
      if (classifier) out = gemmNamed("classifier", null, out, hidden, labels);
    }
    GraphProto.Builder g = GraphProto.newBuilder().setName("main_graph").addAllNode(nodes).addAllInitializer(inits);
    for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) g.addInput(ValueInfoProto.newBuilder().setName(in));
    g.addOutput(ValueInfoProto.newBuilder().setName(out));
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("pytorch").setProducerVersion("1.13.0")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14)).setGraph(g).build();
  }

  // ---- the model ----------------------------------------------------------------------------

  private String embeddings() {
    String w = param("embeddings.word_embeddings.weight", vocab, hidden);
    String p = param("embeddings.position_embeddings.weight", positions, hidden);
    String t = param("embeddings.token_type_embeddings.weight", types, hidden);
    inits.add(TensorProto.newBuilder().setName(prefix + "embeddings.position_ids").setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(1).addDims(positions).setRawData(longs(new long[positions])).build());
    String sum = node("Add", List.of(node("Gather", List.of(w, "input_ids")), node("Gather", List.of(t, "token_type_ids"))));
    sum = node("Add", List.of(sum, node("Gather", List.of(p, prefix + "embeddings.position_ids"))));
    return layerNorm("embeddings.LayerNorm", sum);
  }

  private String layer(int i, String x) {
    String l = "encoder.layer." + i + ".";
    String q = split(linear(l + "attention.self.query", x, hidden, hidden));
    String k = split(linear(l + "attention.self.key", x, hidden, hidden));
    String v = split(linear(l + "attention.self.value", x, hidden, hidden));
    String scores = node("MatMul", List.of(q, node("Transpose", List.of(k), attrInts("perm", 0, 1, 3, 2))));
    if (headsEvidence != Heads.NONE) {
      scores = node("Div", List.of(scores, constFloat((float) Math.sqrt(hidden / heads))));
    }
    String ctx = node("MatMul", List.of(node("Softmax", List.of(scores), attrI("axis", -1)), v));
    ctx = node("Transpose", List.of(ctx), attrInts("perm", 0, 2, 1, 3));
    ctx = node("Reshape", List.of(ctx, constInts("merge", new long[] {0, 0, hidden}, false)));
    String attn = layerNorm(l + "attention.output.LayerNorm", node("Add", List.of(linear(l + "attention.output.dense", ctx, hidden, hidden), x)));
    String h = activation(linear(l + "intermediate.dense", attn, hidden, inter));
    return layerNorm(l + "output.LayerNorm", node("Add", List.of(linear(l + "output.dense", h, inter, hidden), attn)));
  }

  /** [b, s, hidden] to [b, heads, s, head_dim] with the shape the chosen evidence calls for. */
  private String split(String x) {
    int d = hidden / heads;
    String shape = switch (headsEvidence) {
      case CONSTANT_SHAPE -> constInts("split", new long[] {0, 0, heads, d}, false);
      case CONCAT -> {
        String shp = node("Shape", List.of(x));
        String b = node("Unsqueeze", List.of(node("Gather", List.of(shp, constInts("i0", new long[] {0}, true)), attrI("axis", 0)),
            constInts("ax", new long[] {0}, false)));
        String s = node("Unsqueeze", List.of(node("Gather", List.of(shp, constInts("i1", new long[] {1}, true)), attrI("axis", 0)),
            constInts("ax", new long[] {0}, false)));
        yield node("Concat", List.of(b, s, constInts("h", new long[] {heads}, false), constInts("d", new long[] {d}, false)), attrI("axis", 0));
      }
      // A shape computed at run time only: nothing to read the head count from.
      case SCALE_ONLY, NONE -> node("Concat", List.of(node("Shape", List.of(x)), node("Shape", List.of(x))), attrI("axis", 0));
    };
    return node("Transpose", List.of(node("Reshape", List.of(x, shape))), attrInts("perm", 0, 2, 1, 3));
  }

  private String activation(String x) {
    return switch (activation) {
      case "erf" -> {
        String e = node("Erf", List.of(node("Div", List.of(x, constFloat(1.4142135f)))));
        yield node("Mul", List.of(node("Mul", List.of(x, node("Add", List.of(e, constFloat(1f))))), constFloat(0.5f)));
      }
      case "tanh" -> {
        String cube = node("Mul", List.of(node("Pow", List.of(x, constFloat(3f))), constFloat(0.044715f)));
        String t = node("Tanh", List.of(node("Mul", List.of(node("Add", List.of(x, cube)), constFloat(0.7978846f)))));
        yield node("Mul", List.of(node("Mul", List.of(x, constFloat(0.5f))), node("Add", List.of(t, constFloat(1f)))));
      }
      case "relu" -> node("Relu", List.of(x));
      default -> throw new IllegalArgumentException(activation);
    };
  }

  private String layerNorm(String name, String x) {
    String w = param(name + ".weight", hidden);
    String b = param(name + ".bias", hidden);
    if (fusedLayerNorm) {
      return node("LayerNormalization", List.of(x, w, b), AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(eps).build());
    }
    String mean = node("ReduceMean", List.of(x), attrInts("axes", -1));
    String centered = node("Sub", List.of(x, mean));
    String variance = node("ReduceMean", List.of(node("Pow", List.of(centered, constFloat(2f)))), attrInts("axes", -1));
    String std = node("Sqrt", List.of(node("Add", List.of(variance, constFloat(eps)))));
    return node("Add", List.of(node("Mul", List.of(node("Div", List.of(centered, std)), w)), b));
  }

  /** nn.Linear on a 3-D input: MatMul by the folded [in, out] weight (or Transpose of the named weight), then Add bias. */
  private String linear(String name, String x, int in, int out) {
    float[] w = values(name + ".weight", out * in);
    torchShapes.put(name + ".weight", new int[] {out, in});
    torch.put(name + ".weight", w);
    String b = param(name + ".bias", out);
    String product;
    if (transposeNodes) {
      inits.add(tensor(prefix + name + ".weight", w, out, in));
      product = node("MatMul", List.of(x, node("Transpose", List.of(prefix + name + ".weight"), attrInts("perm", 1, 0))));
    } else {
      String folded = "onnx::MatMul_" + (counter++);
      inits.add(tensor(folded, transpose(w, out, in), in, out));
      product = node("MatMul", List.of(x, folded));
    }
    return node("Add", biasFirst ? List.of(b, product) : List.of(product, b));
  }

  /** nn.Linear on a 2-D input: Gemm with the named [out, in] weight and transB=1. */
  private String gemmNamed(String exportName, String torchName, String x, int in, int out) {
    String key = torchName == null ? exportName : torchName;
    float[] w = values(key + ".weight", out * in);
    float[] b = values(key + ".bias", out);
    torch.put(key + ".weight", w);
    torchShapes.put(key + ".weight", new int[] {out, in});
    torch.put(key + ".bias", b);
    torchShapes.put(key + ".bias", new int[] {out});
    inits.add(tensor(exportName + ".weight", w, out, in));
    inits.add(tensor(exportName + ".bias", b, out));
    return node("Gemm", List.of(x, exportName + ".weight", exportName + ".bias"), attrI("transB", 1));
  }

  // ---- graph helpers --------------------------------------------------------------------------

  private String param(String name, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = values(name, n);
    torch.put(name, v);
    torchShapes.put(name, shape);
    inits.add(tensor(prefix + name, v, shape));
    return prefix + name;
  }

  /** Distinct, deterministic values per tensor. */
  static float[] values(String name, int n) {
    float[] v = new float[n];
    int h = name.hashCode();
    for (int i = 0; i < n; i++) v[i] = (((h + i * 7919) & 0x3ff) - 512) / 256f;
    return v;
  }

  static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
    return t;
  }

  TensorProto tensor(String name, float[] v, int... shape) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name);
    for (int d : shape) t.addDims(d);
    switch (storage) {
      case RAW -> {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        t.setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bb.array()));
      }
      case FLOAT_DATA -> {
        t.setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (float f : v) t.addFloatData(f);
      }
      case FLOAT16_INT32_DATA -> {
        t.setDataType(TensorProto.DataType.FLOAT16_VALUE);
        for (float f : v) t.addInt32Data(Float.floatToFloat16(f) & 0xffff);
      }
    }
    return t.build();
  }

  private static ByteString longs(long[] v) {
    ByteBuffer bb = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) bb.putLong(x);
    return ByteString.copyFrom(bb.array());
  }

  private String node(String op, List<String> inputs, AttributeProto... attrs) {
    String out = "/" + op + "_" + (counter++) + "_output_0";
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("/" + op + "_" + counter).addAllInput(inputs).addOutput(out);
    for (AttributeProto a : attrs) n.addAttribute(a);
    nodes.add(n.build());
    return out;
  }

  /** An int64 constant, as a Constant node (scalar when {@code scalar}); {@code what} is for readers. */
  private String constInts(String what, long[] v, boolean scalar) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).setRawData(longs(v));
    if (!scalar) t.addDims(v.length);
    return node("Constant", List.of(), AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t).build());
  }

  private String constFloat(float f) {
    ByteBuffer bb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f);
    TensorProto t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bb.array())).build();
    return node("Constant", List.of(), AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t).build());
  }

  private static AttributeProto attrI(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static AttributeProto attrInts(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }
}
