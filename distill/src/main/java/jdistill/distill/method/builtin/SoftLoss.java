package jdistill.distill.method.builtin;

import java.util.Locale;

/** The variants of the soft-label loss between student and teacher logits. */
public enum SoftLoss {
  /** {@code T^2 KL(softmax(z_t/T) || softmax(z_s/T))} (Hinton; the default). */
  KL("kl"),
  /** {@code -sum softmax(z_t/T) log softmax(z_s/T)}, no T^2 (TinyBERT's prediction loss). */
  SOFT_CE("soft_ce"),
  /** Mean squared error between the raw logits (temperature unused). */
  LOGIT_MSE("logit_mse");

  private final String configName;

  SoftLoss(String configName) {
    this.configName = configName;
  }

  /** The name used in configs. */
  public String configName() {
    return configName;
  }

  /** Parses a config name; {@code where} names the method and option in the error. */
  public static SoftLoss parse(String name, String where) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (SoftLoss s : values()) if (s.configName.equals(n)) return s;
    throw new IllegalArgumentException(where + ": unknown soft loss '" + name + "'; expected one of kl, soft_ce, logit_mse");
  }
}
