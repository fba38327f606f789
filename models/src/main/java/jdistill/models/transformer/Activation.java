package jdistill.models.transformer;

import java.util.Arrays;
import java.util.Locale;
import jdistill.engine.Tensor;

/** Feed-forward activations, with the names Hugging Face configs use for them. */
public enum Activation {
  /** GELU, tanh approximation: HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast". */
  GELU_TANH("gelu_new", "gelu_pytorch_tanh", "gelu_fast"),
  /** GELU, exact erf form: HF "gelu". */
  GELU_ERF("gelu"),
  RELU("relu"),
  /** {@code x * sigmoid(x)}: HF "silu", "swish". */
  SILU("silu", "swish");

  private final String[] hfNames;

  Activation(String... hfNames) {
    this.hfNames = hfNames;
  }

  public Tensor apply(Tensor x) {
    return switch (this) {
      case GELU_TANH -> x.gelu();
      case GELU_ERF -> x.geluErf();
      case RELU -> x.relu();
      case SILU -> x.mul(x.sigmoid());
    };
  }

  /** The name written back to config.json. */
  public String hfName() {
    return hfNames[0];
  }

  /** The activation an HF config names, or null when unsupported. */
  public static Activation fromHfName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      for (String h : a.hfNames) {
        if (h.equals(n)) return a;
      }
    }
    return null;
  }

  /** Parses an HF activation name, or throws naming the supported ones. */
  public static Activation fromHf(String name) {
    Activation a = fromHfName(name);
    if (a == null) throw new IllegalArgumentException("unsupported activation '" + name + "': expected one of " + supportedNames());
    return a;
  }

  /** Every accepted HF name, for messages. */
  public static String supportedNames() {
    return Arrays.stream(values()).flatMap(a -> Arrays.stream(a.hfNames)).toList().toString();
  }
}
