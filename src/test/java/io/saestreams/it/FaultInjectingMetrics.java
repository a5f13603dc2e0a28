package io.saestreams.it;

import io.saestreams.metrics.NoopMetricsSink;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metrics sink that, once armed, throws from the n-th following {@link #recordIn()} — which
 * the validation processor calls first for every input record — so that the stream thread dies
 * in the middle of processing, with a transaction open: a crash, as far as Kafka Streams and the
 * broker can tell, without touching the application's code.
 */
final class FaultInjectingMetrics extends NoopMetricsSink {
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
}
