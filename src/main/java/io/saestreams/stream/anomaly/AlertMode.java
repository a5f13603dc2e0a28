package io.saestreams.stream.anomaly;

import java.util.Locale;

/** Which anomalous records raise an alert ({@code anomaly.alert.mode}). */
public enum AlertMode {
  /** One alert per run of consecutive anomalous records of a partition, at its first record. */
  RUN,
  /** One alert per anomalous record. */
  RECORD;

  /** The configuration spelling: {@code run} or {@code record}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #configName()}; throws IllegalArgumentException naming the allowed values. */
  public static AlertMode parse(String s) {
    for (AlertMode m : values()) {
      if (m.configName().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("'" + s + "' is not an alert mode; allowed: run, record");
  }
}
