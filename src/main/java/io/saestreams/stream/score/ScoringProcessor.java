package io.saestreams.stream.score;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.validate.ValidInput;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Encodes each valid input with the newest complete model version (see {@link ModelCache}) and
 * forwards it as {@link Scored}: sparse code, reconstruction and error ‖x − x̂‖² / d.
 */
public final class ScoringProcessor implements Processor<byte[], ValidInput, byte[], Scored> {
  private final Supplier<SaeModel> initialModel;
  private final String modelStore;
  private final String gemmBackend;
  private final SaeMetricsSink metrics;
  private ProcessorContext<byte[], Scored> context;
  private ReadOnlyKeyValueStore<String, byte[]> store;
  private ModelCache models;
  private int[] indices;
  private float[] values;

  /**
   * @param initialModel version 0 (shared by all tasks; called once per task)
   * @param modelStore name of the global model store
   */
  public ScoringProcessor(
      Supplier<SaeModel> initialModel, String modelStore, String gemmBackend, SaeMetricsSink metrics) {
    this.initialModel = initialModel;
    this.modelStore = modelStore;
    this.gemmBackend = gemmBackend;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Scored> context) {
    this.context = context;
    this.store = context.getStateStore(modelStore);
    SaeModel initial = initialModel.get();
    this.models = new ModelCache(initial, Gemms.create(gemmBackend), metrics);
    this.indices = new int[initial.latentDim()];
    this.values = new float[initial.latentDim()];
  }

  @Override
  public void process(Record<byte[], ValidInput> record) {
    ValidInput in = record.value();
    SaeModel.Scorer scorer = models.current(store);
    float[] x = in.values();
    scorer.score(x, 1);
    int active = scorer.code(0, indices, values);
    float[] reconstruction = new float[x.length];
    scorer.reconstruction(0, reconstruction);
    double error = (double) scorer.squaredError(0) / x.length;
    metrics.reconstructionError(error);
    metrics.endToEndLatency(context.currentSystemTimeMs() - in.timestamp());
    Scored scored = new Scored(in, scorer.model().version(), scorer.model().latentDim(),
        Arrays.copyOf(indices, active), Arrays.copyOf(values, active), reconstruction, error, null);
    context.forward(record.withValue(scored));
  }
}
