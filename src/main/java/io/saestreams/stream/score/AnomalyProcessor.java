package io.saestreams.stream.score;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.stream.anomaly.AnomalyDetector;
import io.saestreams.stream.anomaly.AnomalySettings;
import io.saestreams.stream.anomaly.AnomalyState;
import io.saestreams.stream.anomaly.AnomalyVerdict;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Judges each scored input with this partition's {@link AnomalyDetector}, whose state lives in the
 * changelogged store {@value #STORE} (one entry per task) and so survives restarts and moves.
 */
public final class AnomalyProcessor implements Processor<byte[], Scored, byte[], Scored> {
  public static final String STORE = "anomaly-detector";
  static final String STATE_KEY = "state";

  private final AnomalySettings settings;
  private final SaeMetricsSink metrics;
  private ProcessorContext<byte[], Scored> context;
  private KeyValueStore<String, byte[]> store;
  private AnomalyDetector detector;

  public AnomalyProcessor(AnomalySettings settings, SaeMetricsSink metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Scored> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    byte[] saved = store.get(STATE_KEY);
    this.detector = new AnomalyDetector(settings, saved == null ? AnomalyState.EMPTY : AnomalyState.fromBytes(saved));
  }

  @Override
  public void process(Record<byte[], Scored> record) {
    AnomalyVerdict verdict = detector.observe(record.value().error());
    store.put(STATE_KEY, detector.state().toBytes());
    if (detector.isWarm()) {
      metrics.anomalyThreshold(detector.threshold());
    }
    if (verdict.anomaly()) {
      metrics.anomaly();
    }
    context.forward(record.withValue(record.value().withVerdict(verdict)));
  }
}
