package jdistill.models.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;
import jdistill.models.onnx.proto.OnnxProto.AttributeProto;
import jdistill.models.onnx.proto.OnnxProto.GraphProto;
import jdistill.models.onnx.proto.OnnxProto.ModelProto;
import jdistill.models.onnx.proto.OnnxProto.NodeProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;

/**
 * A parsed ONNX model with the lookups weight import needs: initializers by name, the node that
 * produces each value, the nodes that consume it, and constant values whether they are
 * initializers or {@code Constant} nodes. Files are memory-mapped and tensor bytes are not copied
 * until a tensor is asked for.
 */
public final class OnnxModel {

  private final String source;
  private final ModelProto proto;
  private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();

  private OnnxModel(String source, ModelProto proto) {
    this.source = source;
    this.proto = proto;
    GraphProto g = proto.getGraph();
    for (TensorProto t : g.getInitializerList()) {
      if (initializers.put(t.getName(), t) != null) {
        throw new OnnxFormatException(source + ": initializer \"" + t.getName() + "\" is defined twice");
      }
    }
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        if (!out.isEmpty()) producers.put(out, n);
      }
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
  }

  /** Memory-maps and parses an {@code .onnx} file. */
  public static OnnxModel load(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new OnnxFormatException(file + ": " + size + " bytes; a single ONNX protobuf file is at most 2 GB "
            + "(larger models keep their weights in external data files, which jdistill does not read)");
      }
      return parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException(file + ": file not found", e);
    }
  }

  /** Parses an ONNX model held in {@code bytes}; {@code source} names it in errors. */
  public static OnnxModel parse(ByteBuffer bytes, String source) {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.enableAliasing(true);
    in.setSizeLimit(Integer.MAX_VALUE);
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException(source + ": not an ONNX model (the protobuf parser failed: " + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new OnnxFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
    if (!proto.hasGraph() || proto.getIrVersion() <= 0) {
      throw new OnnxFormatException(source + ": not an ONNX model (no " + (proto.hasGraph() ? "ir_version" : "graph") + " in the file)");
    }
    return new OnnxModel(source, proto);
  }

  /** Where the model came from (a file path), for messages. */
  public String source() {
    return source;
  }

  /** The protobuf message. */
  public ModelProto proto() {
    return proto;
  }

  /** The graph's nodes in file order (topological for valid models). */
  public List<NodeProto> nodes() {
    return proto.getGraph().getNodeList();
  }

  /** Initializers by name, in file order. */
  public Map<String, TensorProto> initializers() {
    return Collections.unmodifiableMap(initializers);
  }

  /** The initializer named {@code name}, or null. */
  public TensorProto initializer(String name) {
    return initializers.get(name);
  }

  /** The node whose output is {@code value}, or null (graph inputs, initializers). */
  public NodeProto producer(String value) {
    return producers.get(value);
  }

  /** The nodes that read {@code value}. */
  public List<NodeProto> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /**
   * The constant behind {@code value}: an initializer or the output of a {@code Constant} node
   * ({@code value}, {@code value_int(s)}, {@code value_float(s)}); null if it is computed.
   */
  public TensorProto constant(String value) {
    TensorProto t = initializers.get(value);
    if (t != null) return t;
    NodeProto n = producers.get(value);
    if (n == null || !n.getOpType().equals("Constant") || n.getAttributeCount() != 1) return null;
    AttributeProto a = n.getAttribute(0);
    return switch (a.getName()) {
      case "value" -> a.getT();
      case "value_int" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(a.getI()).build();
      case "value_ints" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
          .addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
      case "value_float" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(a.getF()).build();
      case "value_floats" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
          .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
      default -> null;
    };
  }

  /** The elements of a small constant as doubles, or null if {@code value} is not a numeric constant. */
  public double[] constantValues(String value) {
    TensorProto t = constant(value);
    if (t == null || OnnxTensors.numel(t, source) > 4096) return null;
    return OnnxTensors.toDoubles(t, source);
  }

  /** The initializer {@code name} as a tensor on the CPU; an error naming it if absent. */
  public Tensor tensor(String name) {
    TensorProto t = initializers.get(name);
    if (t == null) throw new OnnxFormatException(source + ": no initializer named \"" + name + "\"");
    return OnnxTensors.toTensor(t, source);
  }

  /** An attribute of a node, or null. */
  public static AttributeProto attribute(NodeProto node, String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) return a;
    }
    return null;
  }

  /** How a node is named in messages: its name, or its op type and first output. */
  public static String describe(NodeProto node) {
    return node.getOpType() + " node \"" + (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "\"";
  }
}
