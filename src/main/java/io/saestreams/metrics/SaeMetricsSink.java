package io.saestreams.metrics;

import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;

/**
 * What the streaming application reports about itself. The topology's processors call these
 * methods from stream threads (they must be cheap and thread-safe); a Micrometer implementation
 * turns them into meters. {@link #NOOP} discards everything.
 */
public interface SaeMetricsSink {
  /** A record arrived on the input topic. */
  void recordIn();

  /** A record went to the dead-letter topic; {@code reason} is a short stable code. */
  void recordInvalid(String reason);

  /** A record was written to an output; {@code output} is "codes", "scores" or "alerts". */
  void recordOut(String output);

  /** One training step finished (or was skipped). */
  void trainingStep(StepResult step);

  /**
   * The trainer's statistics over the latest window, with dead/dense counts, the L0 target (NaN
   * when the model has none) and the number of latents to export mean activations for.
   */
  void trainingStats(StatsSnapshot stats, int deadLatents, int denseLatents, double l0Target);

  /** The trainer published, or a scorer switched to, this model version. */
  void modelVersion(String role, long version);

  /**
   * A restarted trainer trained again on {@code samples} samples read back from the input topic;
   * {@code missing} more were no longer there (training resumed without them).
   */
  void replayed(long samples, long missing);

  /** A checkpoint of {@code bytes} was written at {@code epochMillis}. */
  void checkpoint(long bytes, long epochMillis);

  /** One scored input's reconstruction error (mean squared error per coordinate). */
  void reconstructionError(double error);

  /** The current adaptive anomaly threshold. */
  void anomalyThreshold(double threshold);

  /** An alert was raised. */
  void anomaly();

  /** Milliseconds between an input's timestamp and its score being emitted. */
  void endToEndLatency(long millis);

  /** Discards everything. */
  SaeMetricsSink NOOP = new NoopMetricsSink();
}
