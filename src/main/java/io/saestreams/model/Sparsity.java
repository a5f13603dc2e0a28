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
  KL;

  public static Sparsity parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT);
    for (Sparsity v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown sparsity '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values())
        .map(v -> v.name().toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
  }
}
