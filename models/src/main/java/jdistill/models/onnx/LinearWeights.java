package jdistill.models.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.models.onnx.proto.OnnxProto.AttributeProto;
import jdistill.models.onnx.proto.OnnxProto.NodeProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;

/**
 * Finds the weight of every Linear layer in an exported graph. PyTorch exports
 * {@code nn.Linear} on a 3-D input as {@code MatMul(x, W^T)} followed by {@code Add} with the
 * bias; constant folding stores {@code W^T} ([in, out]) under a generated name such as
 * {@code onnx::MatMul_1234}, while the bias keeps its parameter name. So the layer a MatMul weight
 * belongs to is read off the named {@code .bias} initializer that the MatMul's output is added
 * to. Also handled: a {@code Transpose} of a named [out, in] weight feeding the MatMul (export
 * without constant folding), and {@code Gemm} (a Linear on a 2-D input, e.g. the pooler).
 */
public final class LinearWeights {

  /**
   * The weight of one Linear layer: {@code layer} is its parameter-name prefix in the export (the
   * bias name without {@code .bias}); {@code initializer} holds the weight, as [in, out] when
   * {@code storedTransposed} (it must be transposed to PyTorch's [out, in]); {@code output} is the
   * value the layer produces (the bias Add's or Gemm's output); {@code node} the MatMul or Gemm.
   */
  public record Match(String layer, String initializer, boolean storedTransposed, String output, NodeProto node) {}

  private LinearWeights() {}

  /** Every Linear layer of {@code model} by layer name, in graph order. */
  public static Map<String, Match> find(OnnxModel model) {
    Map<String, Match> out = new LinkedHashMap<>();
    for (NodeProto node : model.nodes()) {
      Match m = switch (node.getOpType()) {
        case "MatMul" -> matMul(model, node);
        case "Gemm" -> gemm(model, node);
        default -> null;
      };
      if (m == null) continue;
      Match previous = out.putIfAbsent(m.layer(), m);
      if (previous != null && !previous.initializer().equals(m.initializer())) {
        throw new OnnxFormatException(model.source() + ": two nodes claim layer \"" + m.layer() + "\": " + OnnxModel.describe(previous.node())
            + " with weight \"" + previous.initializer() + "\" and " + OnnxModel.describe(m.node()) + " with weight \"" + m.initializer() + "\"");
      }
    }
    return out;
  }

  /** A MatMul by a 2-D constant weight and the named bias added to its output; null for activation products. */
  private static Match matMul(OnnxModel model, NodeProto node) {
    if (node.getInputCount() != 2) return null;
    String b = node.getInput(1);
    String weight;
    boolean transposed;
    TensorProto init = model.initializer(b);
    if (init != null) {
      weight = b;
      transposed = true;
    } else {
      NodeProto producer = model.producer(b);
      if (producer == null || !producer.getOpType().equals("Transpose")) return null;
      TensorProto src = model.initializer(producer.getInput(0));
      AttributeProto perm = OnnxModel.attribute(producer, "perm");
      boolean swap = perm == null || perm.getIntsList().equals(List.of(1L, 0L));
      if (src == null || !swap) return null;
      init = src;
      weight = producer.getInput(0);
      transposed = false;
    }
    if (init.getDimsCount() != 2) return null;
    List<String> seen = new ArrayList<>();
    Match found = null;
    for (NodeProto add : model.consumers(node.getOutput(0))) {
      seen.add(OnnxModel.describe(add));
      if (!add.getOpType().equals("Add") || add.getInputCount() != 2) continue;
      String other = add.getInput(0).equals(node.getOutput(0)) ? add.getInput(1) : add.getInput(0);
      TensorProto bias = model.initializer(other);
      if (bias == null || !other.endsWith(".bias") || bias.getDimsCount() != 1) continue;
      if (found != null) {
        throw new OnnxFormatException(model.source() + ": the output of " + OnnxModel.describe(node) + " (weight \"" + weight
            + "\") is added to two biases, \"" + found.layer() + ".bias\" and \"" + other + "\"");
      }
      found = new Match(other.substring(0, other.length() - ".bias".length()), weight, transposed, add.getOutput(0), node);
    }
    if (found == null) {
      throw new OnnxFormatException(model.source() + ": cannot tell which Linear layer the weight \"" + weight + "\" " + shape(init) + " of "
          + OnnxModel.describe(node) + " belongs to: its output is not added to a named \".bias\" initializer (it feeds "
          + (seen.isEmpty() ? "nothing" : String.join(", ", seen)) + ")");
    }
    return found;
  }

  /** Gemm(x, W, b): the layer is named by the bias, or by the weight when it has a parameter name. */
  private static Match gemm(OnnxModel model, NodeProto node) {
    if (node.getInputCount() < 2) return null;
    TensorProto init = model.initializer(node.getInput(1));
    if (init == null || init.getDimsCount() != 2) return null;
    AttributeProto transA = OnnxModel.attribute(node, "transA");
    AttributeProto alpha = OnnxModel.attribute(node, "alpha");
    AttributeProto beta = OnnxModel.attribute(node, "beta");
    if ((transA != null && transA.getI() != 0) || (alpha != null && alpha.getF() != 1f) || (beta != null && beta.getF() != 1f)) {
      throw new OnnxFormatException(model.source() + ": " + OnnxModel.describe(node) + " uses transA/alpha/beta, which a Linear layer never does");
    }
    AttributeProto transB = OnnxModel.attribute(node, "transB");
    boolean storedTransposed = transB == null || transB.getI() == 0;
    String weight = node.getInput(1);
    String bias = node.getInputCount() > 2 ? node.getInput(2) : "";
    String layer;
    if (bias.endsWith(".bias") && model.initializer(bias) != null) {
      layer = bias.substring(0, bias.length() - ".bias".length());
    } else if (weight.endsWith(".weight")) {
      layer = weight.substring(0, weight.length() - ".weight".length());
    } else {
      throw new OnnxFormatException(model.source() + ": cannot tell which Linear layer the weight \"" + weight + "\" " + shape(init) + " of "
          + OnnxModel.describe(node) + " belongs to: neither it nor its bias input has a parameter name");
    }
    return new Match(layer, weight, storedTransposed, node.getOutput(0), node);
  }

  private static String shape(TensorProto t) {
    return Arrays.toString(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
  }
}
