package io.saestreams.stream;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A metrics sink that remembers what it was told, for assertions. */
public final class RecordingMetrics implements SaeMetricsSink {
  public int in;
  public final List<String> invalid = new ArrayList<>();
  public final List<String> out = new ArrayList<>();
  public final List<StepResult> steps = new ArrayList<>();
  public int stats;
  public final List<String> versions = new ArrayList<>();
  public final List<Long> checkpoints = new ArrayList<>();
  /** "replayed+missing" per restore. */
  public final List<String> replays = new ArrayList<>();
  public final List<Double> errors = new ArrayList<>();
  public int anomalies;
  /** Scores judged by a mature detector, and how many of them were flagged. */
  public int judged;
  public int flagged;
  /** Latest threshold per input partition, latest scorer version per partition. */
  public final Map<Integer, Double> thresholds = new HashMap<>();
  public final Map<Integer, Long> scorerVersions = new HashMap<>();
  public final List<Integer> closed = new ArrayList<>();
  public double falseAlarmRateTarget = Double.NaN;
  public final List<Double> drifts = new ArrayList<>();
  /** Data-parallel: "partition" per average a replica took; "contributions/trained" per round averaged. */
  public final List<Integer> syncRounds = new ArrayList<>();
  /** The wait for each average taken, in milliseconds, in the order taken. */
  public final List<Long> syncWaits = new ArrayList<>();
  public final List<String> syncAggregated = new ArrayList<>();
  /** partition@lag in milliseconds, per complete contribution. */
  public final List<String> syncContributed = new ArrayList<>();

  @Override
  public void recordIn() {
    in++;
  }

  @Override
  public void recordInvalid(String reason) {
    invalid.add(reason);
  }

  @Override
  public void recordOut(String output) {
    out.add(output);
  }

  @Override
  public void trainingStep(StepResult step) {
    steps.add(step);
  }

  @Override
  public void trainingStats(StatsSnapshot s, int deadLatents, int denseLatents, double l0Target) {
    stats++;
  }

  @Override
  public void modelVersion(String role, long version) {
    versions.add(role + "=" + version);
  }

  @Override
  public void replayed(long samples, long missing) {
    replays.add(samples + "+" + missing);
  }

  @Override
  public void checkpoint(long bytes, long epochMillis) {
    checkpoints.add(bytes);
  }

  @Override
  public void reconstructionError(double error) {
    errors.add(error);
  }

  @Override
  public void anomalyThreshold(int partition, double threshold) {
    thresholds.put(partition, threshold);
  }

  @Override
  public void judged(boolean anomalous) {
    judged++;
    if (anomalous) {
      flagged++;
    }
  }

  @Override
  public void falseAlarmRateTarget(double rate) {
    falseAlarmRateTarget = rate;
  }

  @Override
  public void latentDrift(double drift) {
    drifts.add(drift);
  }

  /** Also recorded in {@link #versions} as "scorer=version". */
  @Override
  public void scorerVersion(int partition, long version) {
    scorerVersions.put(partition, version);
    versions.add("scorer=" + version);
  }

  @Override
  public void partitionClosed(int partition) {
    closed.add(partition);
  }

  @Override
  public void anomaly() {
    anomalies++;
  }

  @Override
  public void endToEndLatency(long millis) {}

  @Override
  public synchronized void syncRound(int partition, double divergence, long roundMillis, long waitMillis) {
    syncRounds.add(partition);
    syncWaits.add(waitMillis);
  }

  @Override
  public synchronized void syncAggregated(int contributions, int trained) {
    syncAggregated.add(contributions + "/" + trained);
  }

  @Override
  public synchronized void syncContributed(int partition, long lagMillis) {
    syncContributed.add(partition + "@" + lagMillis);
  }
}
