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
   * when the model has none) and the number of latents to export mean activations for. A
   * {@link StatsSnapshot#maxDecoderCosine} of NaN means it was not taken for this report (it is
   * kept within a share of the training time, and data-parallel replicas take it in turns): the
   * last value taken stays exported.
   */
  void trainingStats(StatsSnapshot stats, int deadLatents, int denseLatents, double l0Target);

  /** The trainer published this model version ({@code role} "trainer"). */
  void modelVersion(String role, long version);

  /** The scoring task of input partition {@code partition} switched to this model version. */
  void scorerVersion(int partition, long version);

  /** The tasks of input partition {@code partition} left this instance: its gauges read NaN. */
  void partitionClosed(int partition);

  /**
   * A restarted trainer trained again on {@code samples} samples read back from the input topic;
   * {@code missing} more were no longer there (training resumed without them).
   */
  void replayed(long samples, long missing);

  /** A checkpoint of {@code bytes} was written at {@code epochMillis}. */
  void checkpoint(long bytes, long epochMillis);

  /** One scored input's reconstruction error (mean squared error per coordinate). */
  void reconstructionError(double error);

  /** The anomaly threshold in force for input partition {@code partition} (NaN: none yet). */
  void anomalyThreshold(int partition, double threshold);

  /** A mature detector judged a score (a threshold was in force); {@code anomalous}: it flagged it. */
  void judged(boolean anomalous);

  /**
   * The false-alarm rate the detector aims at: the configured rate, or in sigmas mode the
   * Gaussian tail probability of the threshold's sigmas.
   */
  void falseAlarmRateTarget(double rate);

  /** An alert was raised. */
  void anomaly();

  /** The latent drift measured at the latest statistics window (NaN: not yet measured). */
  void latentDrift(double drift);

  /** Milliseconds between an input's timestamp and its score being emitted. */
  void endToEndLatency(long millis);

  /** Discards everything. */
  SaeMetricsSink NOOP = new NoopMetricsSink();

  /**
   * Data-parallel training: replica {@code partition} took the average of a round, from which the
   * parameters it contributed were {@code divergence} (L2 norm of the difference); the round
   * lasted {@code roundMillis}, from its start to the average's arrival, and the replica's
   * training waited {@code waitMillis} for the average (0 when, with overlapped rounds, it had
   * arrived by the time the replica needed it).
   */
  void syncRound(int partition, double divergence, long roundMillis, long waitMillis);

  /**
   * Data-parallel training: the aggregator averaged a round of {@code contributions} replicas'
   * contributions, {@code trained} of which trained on at least one sample.
   */
  void syncAggregated(int contributions, int trained);

  /**
   * Data-parallel training: the aggregator has all of replica {@code partition}'s contribution to a
   * round, {@code lagMillis} after it had that round's first complete contribution (0 for the
   * first). A round is averaged only when its last contribution is in, so a replica that is late
   * round after round holds every replica up: its partition has more input than the others, or its
   * stream thread more work.
   */
  void syncContributed(int partition, long lagMillis);
}
