package jdistill.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;

class ModuleTest {

  /** A GPT-2-shaped toy: wte, h.N.{ln_1, attn.{c_attn, c_proj}, drop}, ln_f, lm_head tied to wte. */
  static final class Attn extends Module {
    final Linear cAttn;
    final Linear cProj;

    Attn(int d, Rng rng) {
      cAttn = registerModule("c_attn", new Linear(d, 3 * d, true, rng));
      cProj = registerModule("c_proj", new Linear(d, d, true, rng));
    }
  }

  static final class Block extends Module {
    final LayerNorm ln1;
    final Attn attn;
    final Dropout drop;

    Block(int d, Rng rng) {
      ln1 = registerModule("ln_1", new LayerNorm(d));
      attn = registerModule("attn", new Attn(d, rng));
      drop = registerModule("drop", new Dropout(0.1, rng));
    }
  }

  static final class Toy extends Module {
    final Embedding wte;
    final ModuleList<Block> h;
    final LayerNorm lnF;
    final Parameter scale;

    Toy(int vocab, int d, int layers, Rng rng) {
      scale = registerParameter("scale", Parameter.of(() -> Tensor.ones(1)));
      wte = registerModule("wte", new Embedding(vocab, d, 0.02, rng));
      h = registerModule("h", new ModuleList<>());
      for (int i = 0; i < layers; i++) h.add(new Block(d, rng)); // added after h is registered
      lnF = registerModule("ln_f", new LayerNorm(d));
    }
  }

  static final class Head extends Module {
    Head(Parameter tied) {
      registerParameter("weight", tied);
    }
  }

  /** As HF's GPT2LMHeadModel: transformer first, then lm_head whose weight is wte's. */
  static final class TiedHead extends Module {
    final Toy transformer;

    TiedHead(Toy t) {
      transformer = registerModule("transformer", t);
      registerModule("lm_head", new Head(t.wte.weight()));
    }
  }

  private static final List<String> BLOCK = List.of("ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias");

  private static List<String> toyNames(String prefix, int layers) {
    var names = new java.util.ArrayList<String>();
    names.add(prefix + "scale");
    names.add(prefix + "wte.weight");
    for (int i = 0; i < layers; i++) for (String b : BLOCK) names.add(prefix + "h." + i + "." + b);
    names.add(prefix + "ln_f.weight");
    names.add(prefix + "ln_f.bias");
    return names;
  }

  @Test
  void namesFollowTorchConventionsInRegistrationOrder() {
    Toy toy = new Toy(10, 4, 2, new Rng(1));
    assertEquals(toyNames("", 2), List.copyOf(toy.namedParameters().keySet()));
    assertEquals("h.1.attn.c_attn.weight", toy.h.get(1).attn.cAttn.weight().name());
    assertEquals("h.1.attn.c_attn.weight", toy.h.get(1).attn.cAttn.weight().tensor().name());
    assertArrayEquals(new int[] {12, 4}, toy.namedParameters().get("h.0.attn.c_attn.weight").shape());
    // 1 + 40 + 2 * (8 + 48 + 12 + 16 + 4) + 8
    assertEquals(1 + 40 + 2 * (8 + 48 + 12 + 16 + 4) + 8, toy.numParameters());
  }

  @Test
  void nestingAfterConstructionRenamesAndTiedWeightsAppearOnce() {
    Toy toy = new Toy(10, 4, 1, new Rng(1));
    TiedHead head = new TiedHead(toy);
    assertEquals(toyNames("transformer.", 1), List.copyOf(head.namedParameters().keySet()));
    assertEquals("transformer.h.0.ln_1.bias", toy.h.get(0).ln1.bias().tensor().name());
    assertEquals(toy.numParameters(), head.numParameters());
    Map<String, Tensor> sd = head.stateDict();
    assertEquals(toyNames("transformer.", 1).size() + 1, sd.size());
    assertTrue(sd.containsKey("lm_head.weight"));
    assertEquals("transformer.wte.weight", toy.wte.weight().name());
    assertSame(sd.get("lm_head.weight").storage(), sd.get("transformer.wte.weight").storage());
  }

  @Test
  void trainEvalPropagates() {
    Toy toy = new Toy(10, 4, 2, new Rng(1));
    assertTrue(toy.h.get(1).drop.isTraining());
    toy.eval();
    assertFalse(toy.isTraining());
    assertFalse(toy.h.get(1).drop.isTraining());
    assertFalse(toy.h.get(0).attn.cProj.isTraining());
    toy.train();
    assertTrue(toy.h.get(1).drop.isTraining());
  }

  @Test
  void stateDictRoundTripCopiesValues() {
    Toy a = new Toy(10, 4, 2, new Rng(1));
    Toy b = new Toy(10, 4, 2, new Rng(2));
    assertFalse(java.util.Arrays.equals(a.wte.weight().tensor().toFloatArray(), b.wte.weight().tensor().toFloatArray()));
    Tensor bWeightBefore = b.wte.weight().tensor();
    Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
    assertEquals(List.of(), r.missingKeys());
    assertEquals(List.of(), r.unexpectedKeys());
    for (var e : a.stateDict().entrySet()) {
      assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
    }
    assertSame(bWeightBefore, b.wte.weight().tensor(), "loading copies in place");
    // the copy is independent of the source
    a.lnF.weight().copyFrom(Tensor.zeros(4));
    assertArrayEquals(new float[] {1, 1, 1, 1}, b.lnF.weight().tensor().toFloatArray());
  }

  @Test
  void loadConvertsDtype() {
    Toy a = new Toy(10, 4, 1, new Rng(1));
    Map<String, Tensor> f64 = new LinkedHashMap<>();
    for (var e : a.stateDict().entrySet()) f64.put(e.getKey(), e.getValue().to(DType.F64).add(1.0));
    Toy b = new Toy(10, 4, 1, new Rng(3));
    b.loadStateDict(f64, true);
    float[] expect = a.wte.weight().tensor().toFloatArray();
    for (int i = 0; i < expect.length; i++) expect[i] += 1;
    assertArrayEquals(expect, b.wte.weight().tensor().toFloatArray(), 1e-6f);
    assertEquals(DType.F32, b.wte.weight().dtype());
  }

  @Test
  void strictLoadingNamesMissingUnexpectedAndMisshapedTensors() {
    Toy a = new Toy(10, 4, 1, new Rng(1));
    Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
    sd.remove("h.0.attn.c_proj.bias");
    sd.put("h.0.attn.masked_bias", Tensor.zeros(1));
    Toy b = new Toy(10, 4, 1, new Rng(2));
    float[] before = b.wte.weight().tensor().toFloatArray();
    var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(sd, true));
    assertTrue(e.getMessage().contains("missing tensors"), e.getMessage());
    assertTrue(e.getMessage().contains("h.0.attn.c_proj.bias [4]"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected tensors"), e.getMessage());
    assertTrue(e.getMessage().contains("h.0.attn.masked_bias [1]"), e.getMessage());
    assertArrayEquals(before, b.wte.weight().tensor().toFloatArray(), "nothing copied on error");

    Module.LoadResult r = b.loadStateDict(sd, false);
    assertEquals(List.of("h.0.attn.c_proj.bias"), r.missingKeys());
    assertEquals(List.of("h.0.attn.masked_bias"), r.unexpectedKeys());
    assertArrayEquals(a.wte.weight().tensor().toFloatArray(), b.wte.weight().tensor().toFloatArray());

    Map<String, Tensor> bad = new LinkedHashMap<>(a.stateDict());
    bad.put("wte.weight", Tensor.zeros(11, 4));
    var e2 = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad, false));
    assertTrue(e2.getMessage().contains("size mismatch"), e2.getMessage());
    assertTrue(e2.getMessage().contains("wte.weight: checkpoint has [11, 4], model expects [10, 4]"), e2.getMessage());
  }

  @Test
  void registrationErrors() {
    class Bad extends Module {
      Bad(int mode) {
        if (mode == 0) registerParameter("a.b", Parameter.of(() -> Tensor.zeros(1)));
        if (mode == 1) {
          registerParameter("w", Parameter.of(() -> Tensor.zeros(1)));
          registerModule("w", new LayerNorm(2));
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new Bad(0));
    var e = assertThrows(IllegalArgumentException.class, () -> new Bad(1));
    assertTrue(e.getMessage().contains("'w' is already registered"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Parameter(Tensor.arange(3)));
  }

  @Test
  void parametersOutliveStepScopesAndZeroGradReleases() {
    Linear lin;
    Tensor scopedGrad;
    try (var step = Scope.open()) {
      lin = new Linear(3, 2, true, new Rng(5));
      Parameter fromScoped = new Parameter(Tensor.ones(2));
      lin.forward(Tensor.ones(4, 3)).sum().backward();
      scopedGrad = lin.weight().grad();
      step.close();
      assertArrayEquals(new float[] {1, 1}, fromScoped.tensor().toFloatArray());
    }
    assertNotNull(scopedGrad);
    assertArrayEquals(new float[] {4, 4, 4, 4, 4, 4}, lin.weight().grad().toFloatArray());
    assertEquals(6, lin.weight().tensor().toFloatArray().length);
    lin.zeroGrad();
    assertNull(lin.weight().grad());
    assertTrue(scopedGrad.storage().isReleased());
    assertFalse(lin.weight().tensor().storage().isReleased());
  }

  @Test
  void castKeepsNamesAndValues() {
    Toy toy = new Toy(10, 4, 1, new Rng(1));
    float[] w = toy.h.get(0).attn.cAttn.weight().tensor().toFloatArray();
    toy.to(DType.F64);
    Parameter p = toy.namedParameters().get("h.0.attn.c_attn.weight");
    assertEquals(DType.F64, p.dtype());
    assertTrue(p.tensor().requiresGrad());
    assertEquals("h.0.attn.c_attn.weight", p.tensor().name());
    assertArrayEquals(w, p.tensor().toFloatArray());
  }
}
