package jdistill.distill.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodInfo;
import jdistill.distill.method.MethodOptions;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;

/** Method factories that only describe themselves, for checking configs without real methods. */
final class FakeMethods {

  private FakeMethods() {}

  static MethodFactory factory(String name, String summary, OptionSpec... options) {
    MethodInfo info = new MethodInfo(name, summary, List.of(options));
    return new MethodFactory() {
      @Override
      public MethodInfo info() {
        return info;
      }

      @Override
      public Method create(MethodOptions o, MethodSetup setup) {
        throw new UnsupportedOperationException("fake method " + name);
      }
    };
  }

  static final List<MethodFactory> ALL = List.of(
      factory("kd", "Soft-label KL at temperature T plus hard-label cross-entropy.",
          new OptionSpec("temperature", "double", 4.0, "Softmax temperature."),
          new OptionSpec("alpha", "double", 0.5, "Weight of the soft loss against the hard loss.")),
      factory("pkd", "Patient KD: normalised [CLS] states of mapped layers.",
          new OptionSpec("beta", "double", 100.0, "Weight of the hidden-state loss."),
          new OptionSpec("layer_map", "layer-map", "skip", "Which teacher layer each student layer learns from.")),
      factory("theseus", "BERT-of-Theseus module replacement.",
          new OptionSpec("replacing_rate", "schedule", 0.3, "Probability of replacing a teacher block.")),
      factory("tinybert_intermediate", "TinyBERT intermediate layers."),
      factory("tinybert_prediction", "TinyBERT prediction layer.",
          new OptionSpec("temperature", "double", 1.0, "Softmax temperature.")));

  /** A lookup that fails for unknown names the way the registry does. */
  static Function<String, MethodFactory> lookup() {
    Map<String, MethodFactory> byName = new LinkedHashMap<>();
    for (MethodFactory f : ALL) byName.put(f.info().name(), f);
    return name -> {
      MethodFactory f = byName.get(name);
      if (f == null) throw new IllegalArgumentException("unknown method '" + name + "'; valid methods: " + String.join(", ", byName.keySet()));
      return f;
    };
  }
}
