package io.saestreams.stream.anomaly;

import java.util.Locale;

/** How the anomaly threshold is set ({@code anomaly.threshold.mode}). */
public enum ThresholdMode {
  /**
   * The threshold is the (1 − q) quantile of recent normal errors for the false-alarm rate q the
   * user chooses: about a fraction q of normal records are flagged.
   */
  FALSE_ALARM_RATE,
  /** The threshold lies k standard deviations above the running mean of the log error. */
  SIGMAS;

  /** The configuration spelling: {@code false-alarm-rate} or {@code sigmas}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@link #configName()}; throws IllegalArgumentException naming the allowed values. */
  public static ThresholdMode parse(String s) {
    for (ThresholdMode m : values()) {
      if (m.configName().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("'" + s + "' is not a threshold mode; allowed: false-alarm-rate, sigmas");
  }
}
