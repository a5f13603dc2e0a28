package io.saestreams.model;

import java.util.Arrays;
import java.util.Locale;

/** Input corruption for a denoising autoencoder; the loss is always taken against the clean input. */
public enum Noise {
  NONE,
  /** Each input coordinate is set to zero with probability {@code noiseLevel}. */
  MASK,
  /** Independent N(0, noiseLevel²) is added to every coordinate. */
  GAUSSIAN;

  public static Noise parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT);
    for (Noise v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown noise '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values())
        .map(v -> v.name().toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
  }
}
