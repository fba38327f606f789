package jdistill.models.transformer;

import java.util.Locale;
import jdistill.engine.Tensor;

/** Feed-forward activations, named as Hugging Face configs name them. */
public enum Activation {
  /** GELU, tanh approximation: HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast". */
  GELU_TANH,
  /** GELU, exact erf form: HF "gelu". */
  GELU_ERF,
  RELU;

  public Tensor apply(Tensor x) {
    return switch (this) {
      case GELU_TANH -> x.gelu();
      case GELU_ERF -> x.geluErf();
      case RELU -> x.relu();
    };
  }

  /** Parses an HF activation name, or throws naming the supported ones. */
  public static Activation fromHf(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      case "gelu" -> GELU_ERF;
      case "relu" -> RELU;
      default -> throw new IllegalArgumentException("unsupported activation '" + name + "': expected one of gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu");
    };
  }

  /** The HF name written back to config.json. */
  public String hfName() {
    return switch (this) {
      case GELU_TANH -> "gelu_new";
      case GELU_ERF -> "gelu";
      case RELU -> "relu";
    };
  }
}
