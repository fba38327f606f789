package jdistill.models.hf;

import java.util.Arrays;
import java.util.Locale;

/**
 * The feed-forward activations jdistill's GPT-2 and BERT support, with the names Hugging Face
 * configs use for them ({@code hidden_act}, {@code activation_function}).
 */
public enum Activation {
  /** Exact GELU, {@code x * Phi(x)} with the error function. */
  GELU("gelu"),
  /** GELU's tanh approximation (GPT-2's {@code gelu_new}, PyTorch's {@code gelu(approximate="tanh")}). */
  GELU_TANH("gelu_new", "gelu_pytorch_tanh"),
  /** {@code max(0, x)}. */
  RELU("relu"),
  /** {@code x * sigmoid(x)}. */
  SILU("silu", "swish");

  private final String[] hfNames;

  Activation(String... hfNames) {
    this.hfNames = hfNames;
  }

  /** The name Hugging Face writes for this activation by default. */
  public String hfName() {
    return hfNames[0];
  }

  /** Finds the activation a Hugging Face config names, or null if it is not supported. */
  public static Activation fromHfName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      for (String h : a.hfNames) {
        if (h.equals(n)) return a;
      }
    }
    return null;
  }

  /** Every accepted Hugging Face name, for error messages. */
  public static String supportedNames() {
    return Arrays.stream(values()).flatMap(a -> Arrays.stream(a.hfNames)).toList().toString();
  }
}
