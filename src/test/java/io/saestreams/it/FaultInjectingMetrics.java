package io.saestreams.it;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metrics sink that, once armed, throws from the n-th following {@link #recordIn()} — which
 * the validation processor calls first for every input record — so that the stream thread dies
 * in the middle of processing, with a transaction open: a crash, as far as Kafka Streams and the
 * broker can tell, without touching the application's code.
 */
final class FaultInjectingMetrics implements SaeMetricsSink {
  /** The injected failure. */
  static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault() {
      super("fault injected by the test");
    }
  }

  private final AtomicInteger remaining = new AtomicInteger();

  /** Makes the {@code n}-th input record from now on fail (once). */
  void failOnRecord(int n) {
    remaining.set(n);
  }

  @Override
  public void recordIn() {
    if (remaining.get() > 0 && remaining.decrementAndGet() == 0) {
      throw new InjectedFault();
    }
  }

  @Override
  public void recordInvalid(String reason) {}

  @Override
  public void recordOut(String output) {}

  @Override
  public void trainingStep(StepResult step) {}

  @Override
  public void trainingStats(StatsSnapshot stats, int deadLatents, int denseLatents, double l0Target) {}

  @Override
  public void modelVersion(String role, long version) {}

  @Override
  public void checkpoint(long bytes, long epochMillis) {}

  @Override
  public void reconstructionError(double error) {}

  @Override
  public void anomalyThreshold(double threshold) {}

  @Override
  public void anomaly() {}

  @Override
  public void endToEndLatency(long millis) {}
}
