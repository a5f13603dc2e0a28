package io.saestreams.model;

import java.util.Arrays;
import java.util.Locale;

/** Sparsity penalty added to the reconstruction loss. */
public enum Sparsity {
  /** No penalty (TopK activations are sparse by construction). */
  NONE,
  /** λ·mean over samples of Σ_j |h_j| (optionally weighted by ‖W_dec,j‖). */
  L1,
  /**
   * β·Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j a running (exponential) average of latent j's activation across
   * mini-batches; the derivative uses the running estimate, applied to the current batch.
   */
  KL,
  /**
   * A smooth L0 count (Anthropic, "Circuits Updates — January 2025", dictionary learning
   * optimisation techniques): λ·(1/B)·Σ_b Σ_j tanh(c·h_bj·‖W_dec,j‖), with coefficient λ
   * ({@code tanh-l0-coefficient}) and scale c ({@code tanh-l0-scale}). For JumpReLU the
   * threshold θ_j receives the penalty's jump at z = θ_j through the rectangle kernel:
   * ∂/∂θ_j = −(λ/B)·Σ_b tanh(c·θ_j·‖W_dec,j‖)·(1/ε)·K((z_bj − θ_j)/ε).
   */
  TANH_L0;

  /** Parses {@code none}, {@code l1}, {@code kl} or {@code tanh-l0}, case-insensitively. */
  public static Sparsity parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Sparsity v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown sparsity '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values()).map(Sparsity::configName).toArray(String[]::new);
  }

  /** The lower-case name as used in configuration ({@code tanh-l0}). */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
