package io.saestreams.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the learning rate does after warm-up: stay constant, or decay to a floor over a number of
 * steps (cosine, Loshchilov &amp; Hutter 2017 without restarts; or linear) and stay at the floor.
 * For an endless stream the decay ends at the floor rather than at zero: the model keeps adapting
 * at η·floor.
 *
 * @param kind constant, cosine or linear
 * @param decaySteps steps from the end of warm-up to the floor (ignored when constant)
 * @param floor the final learning rate as a fraction of the peak η, in [0, 1]
 */
public record LrSchedule(Kind kind, int decaySteps, float floor) {
  /** No decay: η after warm-up, for ever (today's behaviour). */
  public static final LrSchedule CONSTANT = new LrSchedule(Kind.CONSTANT, 0, 0f);

  /** The shape of the decay. */
  public enum Kind {
    CONSTANT,
    COSINE,
    LINEAR;

    public static Kind parse(String s) {
      String key = s.trim().toUpperCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.name().equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown learning-rate schedule '" + s + "'; allowed: " + Arrays.toString(names()));
    }

    public static String[] names() {
      return Arrays.stream(values())
          .map(v -> v.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new);
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LrSchedule {
    if (kind == null) {
      throw new IllegalArgumentException("lr-schedule must not be null");
    }
    if (decaySteps < 0) {
      throw new IllegalArgumentException("lr-decay-steps must be >= 0, got " + decaySteps);
    }
    if (kind != Kind.CONSTANT && decaySteps == 0) {
      throw new IllegalArgumentException(
          "lr-schedule=" + kind.configName() + " needs lr-decay-steps >= 1, got 0");
    }
    if (!(floor >= 0 && floor <= 1)) {
      throw new IllegalArgumentException("lr-floor must be in [0, 1] (a fraction of the learning"
          + " rate), got " + floor);
    }
  }

  /**
   * The factor applied to η, {@code s} steps after warm-up ended (s = 0 at the last warm-up step):
   * cosine f = m + (1 − m)·½(1 + cos(π·p)), linear f = 1 − (1 − m)·p, with p = min(1, s / decay
   * steps) and m the floor.
   */
  public double factor(long s) {
    if (kind == Kind.CONSTANT) {
      return 1;
    }
    double p = Math.min(1.0, Math.max(0, s) / (double) decaySteps);
    return switch (kind) {
      case COSINE -> floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p));
      case LINEAR -> 1 - (1 - floor) * p;
      case CONSTANT -> 1;
    };
  }
}
