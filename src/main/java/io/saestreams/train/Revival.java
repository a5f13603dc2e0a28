package io.saestreams.train;

import java.util.Arrays;
import java.util.Locale;

/** What the trainer does about dead latents. */
public enum Revival {
  /** Detect and count them only. */
  NONE,
  /** Train them through the AuxK loss (needs auxk-coefficient > 0). */
  AUXK,
  /**
   * Re-initialise them toward badly reconstructed recent inputs, with their optimiser moments
   * reset.
   */
  REINIT;

  public static Revival parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT);
    for (Revival v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown revival '" + s + "'; allowed: " + Arrays.toString(names()));
  }

  public static String[] names() {
    return Arrays.stream(values())
        .map(v -> v.name().toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
  }
}
