package io.saestreams.train;

import java.util.Arrays;
import java.util.Locale;

/** How the decoder bias b_dec is initialised from the first mini-batch. */
public enum DecoderBiasInit {
  /** b_dec stays 0. */
  ZERO,
  /** The mean of the first batch. */
  MEAN,
  /** The geometric median of the first batch (Weiszfeld's algorithm); robust to outliers. */
  GEOMETRIC_MEDIAN;

  public static DecoderBiasInit parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (DecoderBiasInit v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown decoder bias init '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values())
        .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .toArray(String[]::new);
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
