package io.saestreams.metrics;

import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;

/** A sink that discards everything; extend it to observe only some of the reports. */
public class NoopMetricsSink implements SaeMetricsSink {
  @Override
  public void recordIn() {}

  @Override
  public void recordInvalid(String reason) {}

  @Override
  public void recordOut(String output) {}

  @Override
  public void trainingStep(StepResult step) {}

  @Override
  public void trainingStats(
      StatsSnapshot stats, int deadLatents, int denseLatents, double l0Target) {}

  @Override
  public void modelVersion(String role, long version) {}

  @Override
  public void checkpoint(long bytes, long epochMillis) {}

  @Override
  public void replayed(long samples, long missing) {}

  @Override
  public void reconstructionError(double error) {}

  @Override
  public void anomalyThreshold(int partition, double threshold) {}

  @Override
  public void judged(boolean anomalous) {}

  @Override
  public void falseAlarmRateTarget(double rate) {}

  @Override
  public void latentDrift(double drift) {}

  @Override
  public void scorerVersion(int partition, long version) {}

  @Override
  public void partitionClosed(int partition) {}

  @Override
  public void anomaly() {}

  @Override
  public void endToEndLatency(long millis) {}

  @Override
  public void syncRound(int partition, double divergence, long roundMillis, long waitMillis) {}

  @Override
  public void syncAggregated(int contributions, int trained) {}

  @Override
  public void syncContributed(int partition, long lagMillis) {}
}
