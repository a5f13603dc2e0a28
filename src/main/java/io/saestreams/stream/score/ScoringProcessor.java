package io.saestreams.stream.score;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.state.WriteBackStore;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.validate.ValidInput;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Encodes valid inputs with the newest complete model version (see {@link ModelCache}) and
 * forwards each as {@link Scored}: sparse code, reconstruction and error ‖x − x̂‖² / d.
 *
 * <p>Inputs are encoded in batches of up to {@code batchSize} rows — one matrix product streams
 * the weights once for the whole batch instead of once per input. An input waits in a {@link
 * ScoreBuffer} (changelogged store {@value #BUFFER_STORE}) until its batch is full or a
 * wall-clock punctuator, every {@code maxWaitMs}, encodes the partial batch. Outputs are
 * forwarded in arrival order, each with its input's key, timestamp and headers. With {@code
 * batchSize} 1 every input is encoded on arrival and the store is not written.
 */
public final class ScoringProcessor implements Processor<byte[], ValidInput, byte[], Scored> {
  /** Inputs waiting for their batch: slot → {@link PendingInput}. */
  public static final String BUFFER_STORE = "score-buffer";

  private final Supplier<SaeModel> initialModel;
  private final String modelStore;
  private final String gemmBackend;
  private final int batchSize;
  private final long maxWaitMs;
  private final int handoverRecords;
  private final SaeMetricsSink metrics;
  private ProcessorContext<byte[], Scored> context;
  private ReadOnlyKeyValueStore<String, byte[]> store;
  private ScoreBuffer buffer;
  private ModelCache models;
  private float[] batch;
  private int[] indices;
  private float[] values;

  /**
   * @param initialModel version 0 (shared by all tasks; called once per task)
   * @param modelStore name of the global model store
   * @param batchSize most inputs encoded together (≥ 1)
   * @param maxWaitMs wall-clock period of the punctuator that encodes a partial batch
   * @param handoverRecords records a newly published version scores alongside the version in
   *     force before it takes over (0: it takes over at once); see {@link ModelCache}
   */
  public ScoringProcessor(
      Supplier<SaeModel> initialModel,
      String modelStore,
      String gemmBackend,
      int batchSize,
      long maxWaitMs,
      int handoverRecords,
      SaeMetricsSink metrics) {
    if (batchSize < 1 || maxWaitMs < 1) {
      throw new IllegalArgumentException(
          "batch size and wait must be >= 1, got " + batchSize + " and " + maxWaitMs + " ms");
    }
    this.initialModel = initialModel;
    this.modelStore = modelStore;
    this.gemmBackend = gemmBackend;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    this.handoverRecords = handoverRecords;
    this.metrics = metrics;
  }

  /** The buffer's store: persistent, changelogged, written back at commits ({@link WriteBackStore}). */
  public static StoreBuilder<?> bufferStore() {
    return WriteBackStore.persistent(BUFFER_STORE, Serdes.Long(), PendingInput.CODEC);
  }

  @Override
  public void init(ProcessorContext<byte[], Scored> context) {
    this.context = context;
    this.store = context.getStateStore(modelStore);
    KeyValueStore<Long, PendingInput> pending = context.getStateStore(BUFFER_STORE);
    this.buffer = new ScoreBuffer(pending);
    SaeModel initial = initialModel.get();
    this.models = new ModelCache(initial, Gemms.create(gemmBackend), batchSize, handoverRecords, metrics,
        context.taskId().partition());
    this.batch = new float[batchSize * initial.inputDim()];
    this.indices = new int[initial.latentDim()];
    this.values = new float[initial.latentDim()];
    // also after a restart with batch size 1: inputs an earlier run left in the store go first
    context.schedule(Duration.ofMillis(maxWaitMs), PunctuationType.WALL_CLOCK_TIME, now -> flush());
  }

  @Override
  public void process(Record<byte[], ValidInput> record) {
    boolean direct = batchSize == 1 && buffer.isEmpty();
    InputRef source = context.recordMetadata()
        .filter(m -> m.partition() >= 0 && m.offset() >= 0)
        .map(m -> new InputRef(m.partition(), m.offset()))
        .orElse(null);
    buffer.add(record, source, !direct);
    if (buffer.size() >= batchSize) {
      flush();
    }
  }

  /** Encodes every buffered input, forwards the results in arrival order, empties the buffer. */
  private void flush() {
    List<PendingInput> pending = buffer.pending();
    for (int from = 0; from < pending.size(); from += batchSize) {
      SaeModel.Scorer scorer = models.current(store);
      SaeModel.Scorer shadow = models.shadow();
      int d = scorer.model().inputDim();
      int rows = Math.min(batchSize, pending.size() - from);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(pending.get(from + r).input().values(), 0, batch, r * d, d);
      }
      // X̂ = dec(enc(X)) for the whole batch
      scorer.score(batch, rows);
      if (shadow != null) {
        shadow.score(batch, rows);
      }
      for (int r = 0; r < rows; r++) {
        forward(scorer, shadow, r, pending.get(from + r), from + r == pending.size() - 1);
      }
      models.scored(rows);
    }
    buffer.clear();
  }

  private void forward(SaeModel.Scorer scorer, SaeModel.Scorer shadow, int row, PendingInput p, boolean last) {
    ValidInput in = p.input();
    int active = scorer.code(row, indices, values);
    double error = (double) scorer.squaredError(row) / in.values().length;
    metrics.reconstructionError(error);
    metrics.endToEndLatency(context.currentSystemTimeMs() - in.timestamp());
    long shadowVersion = shadow == null ? -1 : shadow.model().version();
    double shadowError = shadow == null ? Double.NaN : (double) shadow.squaredError(row) / in.values().length;
    Scored scored = new Scored(in, p.source(), scorer.model().version(), scorer.model().latentDim(),
        Arrays.copyOf(indices, active), Arrays.copyOf(values, active), new RowReconstruction(scorer, row), error,
        shadowVersion, shadowError, null, last);
    context.forward(new Record<>(p.key(), scored, p.timestamp(), p.headers()));
  }

  /**
   * A batch row's reconstruction, copied out of the scorer when first asked for: most inputs never
   * need it (only an alert's explanation does), and a copy of d floats for every input is work
   * for nothing. Valid until the scorer's next batch.
   */
  static final class RowReconstruction implements Supplier<float[]> {
    private final SaeModel.Scorer scorer;
    private final int row;
    private final long batch;
    private float[] copy;

    RowReconstruction(SaeModel.Scorer scorer, int row) {
      this.scorer = scorer;
      this.row = row;
      this.batch = scorer.batches();
    }

    @Override
    public float[] get() {
      if (copy == null) {
        if (scorer.batches() != batch) {
          throw new IllegalStateException("the reconstruction of a scored input is available only while it is"
              + " forwarded; the scorer has moved on to another batch");
        }
        copy = new float[scorer.model().inputDim()];
        scorer.reconstruction(row, copy);
      }
      return copy;
    }
  }
}
