package io.saestreams.stream.anomaly;

import java.util.Objects;

/**
 * How the anomaly detector behaves.
 *
 * @param mode how the threshold is set
 * @param falseAlarmRate q of {@link ThresholdMode#FALSE_ALARM_RATE}: the fraction of normal
 *     records that may be flagged, in (0, 0.25]
 * @param warmupRecords records a threshold is calibrated on before it raises alerts (in
 *     false-alarm-rate mode at most {@value #MAX_CALIBRATION} count, see {@link #calibration()})
 * @param thresholdSigmas k of {@link ThresholdMode#SIGMAS}
 * @param decay per-record decay λ of the running statistics (the error level in false-alarm-rate
 *     mode, the moments of the log error in sigmas mode), in (0, 1); the window is 1/(1 − λ)
 * @param topDimensions input dimensions an alert names
 * @param minTrainedSamples samples the scoring model must have been trained on before any alert
 * @param handoverRecords records a newly published model version scores alongside the version in
 *     force before it takes over (false-alarm-rate mode), so that the detector learns the new
 *     version's error level from paired errors; also the records a level is learnt on when there
 *     was no handover
 * @param alertMode which anomalous records raise an alert
 */
public record AnomalySettings(
    ThresholdMode mode,
    double falseAlarmRate,
    long warmupRecords,
    double thresholdSigmas,
    double decay,
    int topDimensions,
    long minTrainedSamples,
    int handoverRecords,
    AlertMode alertMode) {

  /** Most records a false-alarm-rate threshold calibrates on (bounds its saved state). */
  public static final int MAX_CALIBRATION = 2000;
  /** Fewest handover records: the paired level estimate needs a few dozen. */
  public static final int MIN_HANDOVER_RECORDS = 16;

  public AnomalySettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(alertMode, "alertMode");
    if (!(falseAlarmRate > 0 && falseAlarmRate <= 0.25)) {
      throw new IllegalArgumentException("false-alarm-rate must be in (0, 0.25], got " + falseAlarmRate);
    }
    if (warmupRecords < 0) {
      throw new IllegalArgumentException("warmup-records must be >= 0, got " + warmupRecords);
    }
    if (!(thresholdSigmas > 0) || !Double.isFinite(thresholdSigmas)) {
      throw new IllegalArgumentException("threshold-sigmas must be > 0, got " + thresholdSigmas);
    }
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
    }
    if (topDimensions < 1) {
      throw new IllegalArgumentException("top-dimensions must be >= 1, got " + topDimensions);
    }
    if (minTrainedSamples < 0) {
      throw new IllegalArgumentException("min-trained-samples must be >= 0, got " + minTrainedSamples);
    }
    if (handoverRecords < MIN_HANDOVER_RECORDS) {
      throw new IllegalArgumentException(
          "handover-records must be >= " + MIN_HANDOVER_RECORDS + ", got " + handoverRecords);
    }
  }

  /** The {@code sigmas} mode as it was before false-alarm rates: no maturity, one alert per record. */
  public static AnomalySettings sigmas(long warmupRecords, double thresholdSigmas, double decay, int topDimensions) {
    return new AnomalySettings(ThresholdMode.SIGMAS, 0.01, warmupRecords, thresholdSigmas, decay, topDimensions,
        0, 256, AlertMode.RECORD);
  }

  /**
   * The fraction of normal records the threshold aims to flag: q in false-alarm-rate mode; in
   * sigmas mode the one-sided Gaussian tail probability of k (the share a log-normal error would
   * give), 1 − Φ(k).
   */
  public double targetRate() {
    return mode == ThresholdMode.FALSE_ALARM_RATE ? falseAlarmRate : gaussianUpperTail(thresholdSigmas);
  }

  /**
   * 1 − Φ(z) for the standard normal, from the complementary error function's Chebyshev-fitted
   * exponential form (relative error below 1.2e-7 everywhere).
   */
  static double gaussianUpperTail(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.5 * x);
    double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    double upper = erfc / 2;
    return z >= 0 ? upper : 1 - upper;
  }

  /** The defaults of the application's {@code anomaly.*} settings. */
  public static final AnomalySettings DEFAULTS =
      new AnomalySettings(ThresholdMode.FALSE_ALARM_RATE, 0.01, 1000, 4.0, 0.998, 5, 10_000, 256, AlertMode.RUN);

  /** The false-alarm-rate mode with the given rate and the other settings at their defaults. */
  public static AnomalySettings falseAlarmRate(double q) {
    return DEFAULTS.withFalseAlarmRate(q);
  }

  public AnomalySettings withFalseAlarmRate(double q) {
    return new AnomalySettings(ThresholdMode.FALSE_ALARM_RATE, q, warmupRecords, thresholdSigmas, decay, topDimensions,
        minTrainedSamples, handoverRecords, alertMode);
  }

  public AnomalySettings withMode(ThresholdMode m) {
    return new AnomalySettings(m, falseAlarmRate, warmupRecords, thresholdSigmas, decay, topDimensions,
        minTrainedSamples, handoverRecords, alertMode);
  }

  public AnomalySettings withMinTrainedSamples(long samples) {
    return new AnomalySettings(mode, falseAlarmRate, warmupRecords, thresholdSigmas, decay, topDimensions, samples,
        handoverRecords, alertMode);
  }

  public AnomalySettings withAlertMode(AlertMode m) {
    return new AnomalySettings(mode, falseAlarmRate, warmupRecords, thresholdSigmas, decay, topDimensions,
        minTrainedSamples, handoverRecords, m);
  }

  public AnomalySettings withWarmupRecords(long records) {
    return new AnomalySettings(mode, falseAlarmRate, records, thresholdSigmas, decay, topDimensions,
        minTrainedSamples, handoverRecords, alertMode);
  }

  public AnomalySettings withHandoverRecords(int records) {
    return new AnomalySettings(mode, falseAlarmRate, warmupRecords, thresholdSigmas, decay, topDimensions,
        minTrainedSamples, records, alertMode);
  }

  /** Records the false-alarm-rate threshold calibrates on: the warm-up, within [50, 2000]. */
  public int calibration() {
    return (int) Math.max(50, Math.min(MAX_CALIBRATION, warmupRecords));
  }

  /** Whether a new model version scores alongside the one in force before taking over. */
  public boolean handsOver() {
    return mode == ThresholdMode.FALSE_ALARM_RATE;
  }
}
