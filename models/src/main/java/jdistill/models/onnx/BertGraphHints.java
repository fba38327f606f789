package jdistill.models.onnx;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jdistill.models.onnx.proto.OnnxProto.AttributeProto;
import jdistill.models.onnx.proto.OnnxProto.NodeProto;

/**
 * Reads from an exported encoder graph the hyperparameters that its weights do not show: the
 * number of attention heads, the FFN activation and the layer-norm epsilon. Each finder returns
 * what it found and how, or null when the graph does not say.
 */
public final class BertGraphHints {

  /** A value read from the graph and a few words on where it was found. */
  public record Found<T>(T value, String how) {}

  private BertGraphHints() {}

  /**
   * The number of attention heads: from the [batch, seq, heads, head_dim] shapes that split Q, K
   * and V into heads (a constant shape, or a {@code Concat} of computed batch/sequence sizes and
   * constant heads/head_dim; a split into one head is not taken as evidence, since other reshapes
   * look the same), or a {@code num_heads} attribute of a fused attention node; failing
   * those, from the 1/sqrt(head_dim) scaling of attention scores. Disagreeing evidence is an error.
   */
  public static Found<Integer> heads(OnnxModel model, int hidden) {
    Map<Integer, String> found = new TreeMap<>();
    for (NodeProto n : model.nodes()) {
      AttributeProto numHeads = OnnxModel.attribute(n, "num_heads");
      if (numHeads != null && numHeads.getI() > 0) {
        found.putIfAbsent((int) numHeads.getI(), "num_heads attribute of " + OnnxModel.describe(n));
      }
      if (!n.getOpType().equals("Reshape") || n.getInputCount() < 2) continue;
      long[] shape = reshapeTarget(model, n.getInput(1));
      if (shape != null && shape.length == 4 && shape[2] > 1 && shape[3] > 0 && shape[2] * shape[3] == hidden) {
        found.putIfAbsent((int) shape[2], "head-splitting shape of " + OnnxModel.describe(n));
      }
    }
    if (found.size() > 1) {
      throw new OnnxFormatException(model.source() + ": the graph splits the hidden size " + hidden + " into different head counts: " + found
          + "; pass the number of heads explicitly");
    }
    if (found.size() == 1) {
      var e = found.entrySet().iterator().next();
      return new Found<>(e.getKey(), e.getValue());
    }
    return headsFromScale(model, hidden);
  }

  /** The last two entries of a Reshape target when known: [a, b, heads, head_dim] or null. */
  private static long[] reshapeTarget(OnnxModel model, String shapeValue) {
    double[] constant = model.constantValues(shapeValue);
    if (constant != null) return toLongs(constant);
    NodeProto concat = model.producer(shapeValue);
    if (concat == null || !concat.getOpType().equals("Concat") || concat.getInputCount() != 4) return null;
    long[] out = {-1, -1, 0, 0};
    for (int i = 2; i < 4; i++) {
      double[] v = model.constantValues(concat.getInput(i));
      if (v == null || v.length != 1) return null;
      out[i] = (long) v[0];
    }
    return out;
  }

  private static long[] toLongs(double[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (long) v[i];
    return out;
  }

  /** Scores = (Q K^T) / sqrt(d) (or * 1/sqrt(d)): d from the constant, heads = hidden / d. */
  private static Found<Integer> headsFromScale(OnnxModel model, int hidden) {
    Set<Integer> dims = new TreeSet<>();
    for (NodeProto n : model.nodes()) {
      boolean div = n.getOpType().equals("Div");
      if ((!div && !n.getOpType().equals("Mul")) || n.getInputCount() != 2) continue;
      NodeProto scores = model.producer(n.getInput(0));
      if (scores == null || !scores.getOpType().equals("MatMul")) continue;
      if (model.initializer(scores.getInput(0)) != null || model.initializer(scores.getInput(1)) != null) continue;
      double[] c = model.constantValues(n.getInput(1));
      if (c == null || c.length != 1 || !(c[0] > 0)) continue;
      double d = div ? c[0] * c[0] : 1 / (c[0] * c[0]);
      long rounded = Math.round(d);
      if (rounded > 0 && Math.abs(d - rounded) < 1e-3 * rounded && hidden % rounded == 0) dims.add((int) rounded);
    }
    if (dims.size() != 1) return null;
    int d = dims.iterator().next();
    return new Found<>(hidden / d, "attention scores scaled by 1/sqrt(" + d + ")");
  }

  /**
   * The FFN activation, as a Hugging Face {@code hidden_act} name, from the ops between the
   * intermediate layers' outputs and the next MatMul: {@code Erf} (exact GELU), {@code Tanh}
   * (tanh-approximated GELU), {@code Relu}, {@code Sigmoid} (SiLU), or a fused GELU op.
   */
  public static Found<String> activation(OnnxModel model, Collection<String> intermediateOutputs) {
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (String start : intermediateOutputs) {
      Set<String> ops = opsUntilMatMul(model, start);
      String act;
      if (ops.contains("Erf")) act = "gelu";
      else if (ops.contains("Tanh") || ops.contains("FastGelu")) act = "gelu_new";
      else if (ops.contains("Gelu") || ops.contains("BiasGelu")) act = "gelu";
      else if (ops.contains("Relu")) act = "relu";
      else if (ops.contains("Sigmoid")) act = "silu";
      else continue;
      votes.merge(act, 1, Integer::sum);
    }
    if (votes.size() != 1) return null;
    String act = votes.keySet().iterator().next();
    return new Found<>(act, "the ops after the intermediate layers (" + votes.get(act) + " of " + intermediateOutputs.size() + " layers)");
  }

  /** Op types reachable from {@code value} before the next MatMul/Gemm (a short walk). */
  private static Set<String> opsUntilMatMul(OnnxModel model, String value) {
    Set<String> ops = new HashSet<>();
    Set<String> visited = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(value);
    while (!queue.isEmpty() && visited.size() < 64) {
      String v = queue.poll();
      if (!visited.add(v)) continue;
      for (NodeProto n : model.consumers(v)) {
        if (n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm")) continue;
        ops.add(n.getOpType());
        if (n.getOpType().equals("Gelu")) {
          AttributeProto approx = OnnxModel.attribute(n, "approximate");
          if (approx != null && approx.getS().toStringUtf8().equals("tanh")) ops.add("FastGelu");
        }
        queue.addAll(n.getOutputList());
      }
    }
    return ops;
  }

  /**
   * The layer-norm epsilon: the {@code epsilon} attribute of {@code LayerNormalization} nodes, or
   * in a decomposed layer norm the constant added to the variance before {@code Sqrt}. The most
   * frequent value wins; float32 constants are read back as the decimal they were written from
   * (9.9999998e-13f is 1e-12).
   */
  public static Found<Double> layerNormEps(OnnxModel model) {
    Map<Double, Integer> votes = new LinkedHashMap<>();
    String how = null;
    for (NodeProto n : model.nodes()) {
      String op = n.getOpType();
      if (op.equals("LayerNormalization") || op.equals("SkipLayerNormalization")) {
        AttributeProto eps = OnnxModel.attribute(n, "epsilon");
        votes.merge(eps == null ? 1e-5 : shortest(eps.getF()), 1, Integer::sum);
        how = "epsilon attribute of " + op + " nodes";
      } else if (op.equals("Sqrt")) {
        NodeProto add = model.producer(n.getInput(0));
        if (add == null || !add.getOpType().equals("Add")) continue;
        for (String in : add.getInputList()) {
          double[] c = model.constantValues(in);
          if (c != null && c.length == 1 && c[0] > 0 && c[0] < 1e-2) {
            votes.merge(shortest((float) c[0]), 1, Integer::sum);
            if (how == null) how = "constant added to the variance before Sqrt in the layer norms";
          }
        }
      }
    }
    String from = "the " + how;
    return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> new Found<>(e.getKey(), from)).orElse(null);
  }

  /** The shortest decimal that reads back as {@code f}, as a double (1e-12f becomes exactly 1e-12). */
  static double shortest(float f) {
    return Double.parseDouble(Float.toString(f));
  }
}
