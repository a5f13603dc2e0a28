package io.saestreams.model;

import java.util.Arrays;
import java.util.Locale;

/** Encoder non-linearity. */
public enum Activation {
  /** σ(z): the classic choice for a KL sparsity penalty, activations in (0, 1). */
  SIGMOID,
  /** max(0, z). */
  RELU,
  /** Keeps the k largest pre-activations of each sample (then ReLU); Makhzani and Frey 2013. */
  TOPK,
  /**
   * Keeps the k·B largest pre-activations of the whole batch; at inference a running threshold
   * replaces the batch selection (Bussmann, Leask and Nanda 2024).
   */
  BATCH_TOPK,
  /**
   * z·H(z − θ) with a learned threshold θ per latent, trained through a straight-through estimator
   * (Rajamanoharan et al. 2024).
   */
  JUMPRELU;

  /** Parses a name such as {@code topk} or {@code batch-topk}, case-insensitively. */
  public static Activation parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (key.equals("BATCHTOPK")) {
      key = "BATCH_TOPK";
    }
    for (Activation a : values()) {
      if (a.name().equals(key)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  /** Lower-case names as used in configuration. */
  public static String[] names() {
    return Arrays.stream(values()).map(Activation::configName).toArray(String[]::new);
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the activation keeps only a fixed number of latents per sample or per batch. */
  public boolean isTopK() {
    return this == TOPK || this == BATCH_TOPK;
  }
}
