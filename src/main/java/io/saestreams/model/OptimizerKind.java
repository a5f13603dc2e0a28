package io.saestreams.model;

import java.util.Arrays;
import java.util.Locale;

/** Which update rule an {@link Optimizer} applies. */
public enum OptimizerKind {
  /** θ ← θ − η·g. */
  SGD,
  /** Heavy ball: v ← μ·v + g; θ ← θ − η·v. */
  MOMENTUM,
  /** Tieleman and Hinton 2012: s ← ρ·s + (1−ρ)·g²; θ ← θ − η·g/(√s + ε). */
  RMSPROP,
  /** Kingma and Ba 2015, with bias correction. */
  ADAM;

  public static OptimizerKind parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT);
    for (OptimizerKind v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown optimizer '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values())
        .map(v -> v.name().toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
  }
}
