package io.saestreams.stream.training;

import io.saestreams.avro.ModelChunk;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the one model on the single-partition training topic, in arrival order.
 *
 * <p>State: a checkpoint of the whole trainer ({@value #CHECKPOINT_STORE}, chunked) and where
 * every sample accepted since it came from in the input topic ({@value #REPLAY_STORE}, see {@link
 * ReplayLog}), both changelogged. On start the trainer is restored from the checkpoint (or built
 * fresh from the configuration) and the samples since are read again from the input topic (a
 * {@link SampleFetcher}) and fed to it, so it resumes exactly where it stopped — provided the
 * input topic still holds them. A checkpoint is taken every N steps,
 * at least every T ms while there are new samples, and after every partial batch (a partial
 * batch is not reproduced by replaying samples). A wall-clock punctuator trains a partial batch
 * when no sample has arrived for the configured wait.
 *
 * <p>Output: every M steps and after a partial batch, the model as {@link ModelChunk} records
 * keyed by chunk index; the version is the trainer's step count, which the checkpoint restores,
 * so versions increase across restarts.
 */
public final class TrainerProcessor implements Processor<String, TrainingSample, String, ModelChunk> {
  public static final String CHECKPOINT_STORE = "trainer-checkpoint";
  public static final String REPLAY_STORE = "trainer-replay";
  static final String ROLE = "trainer";

  private static final Logger LOG = LoggerFactory.getLogger(TrainerProcessor.class);

  private final TrainerSettings settings;
  private final SaeMetricsSink metrics;
  private final SampleFetcher.Factory fetchers;
  private ProcessorContext<String, ModelChunk> context;
  private CheckpointStore checkpoints;
  private ReplayLog replay;
  private OnlineTrainer trainer;
  private long lastPublishedSteps;
  private long lastCheckpointSteps;
  private long lastCheckpointAt;
  private long lastSampleAt;

  /** @param fetchers reads replayed samples again from the input topic after a restart */
  public TrainerProcessor(TrainerSettings settings, SaeMetricsSink metrics, SampleFetcher.Factory fetchers) {
    this.settings = settings;
    this.metrics = metrics;
    this.fetchers = fetchers;
  }

  @Override
  public void init(ProcessorContext<String, ModelChunk> context) {
    this.context = context;
    KeyValueStore<String, byte[]> cp = context.getStateStore(CHECKPOINT_STORE);
    KeyValueStore<Long, byte[]> rp = context.getStateStore(REPLAY_STORE);
    checkpoints = new CheckpointStore(cp, settings.chunkBytes());
    replay = new ReplayLog(rp);
    Optional<CheckpointStore.Checkpoint> loaded = checkpoints.load();
    trainer = loaded.map(this::restore).orElseGet(
        () -> new OnlineTrainer(settings.trainer(), Gemms.create(settings.gemmBackend())));
    ReplayLog.Replayed replayed = replay.replay(
        loaded.map(CheckpointStore.Checkpoint::replayFrom).orElse(0L),
        trainer::accept,
        () -> fetchers.open(context.appConfigs()));
    if (replayed.missing() > 0) {
      LOG.warn("{} of the {} samples to replay are no longer in the input topic (retention or compaction"
          + " removed them, or they no longer validate); training resumes without them, so not exactly"
          + " where it stopped. Keep the input topic's retention well above train.checkpoint.interval.ms"
          + " to avoid this.", replayed.missing(), replayed.missing() + replayed.samples());
    }
    LOG.info("trainer {} at step {} after replaying {} samples", loaded.isPresent() ? "restored" : "started",
        trainer.steps(), replayed.samples());
    lastPublishedSteps = trainer.steps();
    lastCheckpointSteps = loaded.map(CheckpointStore.Checkpoint::steps).orElse(0L);
    lastCheckpointAt = context.currentSystemTimeMs();
    lastSampleAt = lastCheckpointAt;
    context.schedule(Duration.ofMillis(settings.punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  private OnlineTrainer restore(CheckpointStore.Checkpoint c) {
    OnlineTrainer t = OnlineTrainer.restore(c.bytes(), Gemms.create(settings.gemmBackend()));
    SaeConfig saved = t.config().model();
    SaeConfig wanted = settings.trainer().model();
    if (saved.inputDim() != wanted.inputDim() || saved.latentDim() != wanted.latentDim()) {
      throw new IllegalStateException("the trainer checkpoint is of a model with input dim "
          + saved.inputDim() + " and latent dim " + saved.latentDim() + ", but the configuration asks for "
          + wanted.inputDim() + " and " + wanted.latentDim()
          + "; use a new application.id (or reset the application) to train a different model");
    }
    if (!t.config().equals(settings.trainer())) {
      LOG.warn("the trainer checkpoint was taken with other settings than configured; training goes on"
          + " with the checkpoint's settings: {}", t.config());
    }
    return t;
  }

  @Override
  public void process(Record<String, TrainingSample> record) {
    replay.append(record.value());
    lastSampleAt = context.currentSystemTimeMs();
    StepResult step = trainer.accept(record.value().values());
    if (step != null) {
      afterStep(step, record.timestamp());
    }
  }

  private void afterStep(StepResult step, long timestamp) {
    metrics.trainingStep(step);
    if (trainer.steps() - lastPublishedSteps >= settings.publishIntervalSteps()) {
      publish(timestamp);
    }
    if (trainer.steps() - lastCheckpointSteps >= settings.checkpointIntervalSteps()) {
      checkpoint();
    }
  }

  private void punctuate(long now) {
    if (trainer.buffered() > 0 && now - lastSampleAt >= settings.batchMaxWaitMs()) {
      StepResult step = trainer.flush();
      metrics.trainingStep(step);
      if (trainer.steps() > lastPublishedSteps) {
        publish(now);
      }
      checkpoint();
    } else if (!replay.isEmpty() && now - lastCheckpointAt >= settings.checkpointIntervalMs()) {
      checkpoint();
    }
  }

  private void publish(long timestamp) {
    long version = trainer.steps();
    SaeModel model = SaeModel.of(settings.trainer().model(), trainer.parameters(), version);
    List<ModelChunk> chunks =
        ModelPublisher.chunks(model, settings.chunkBytes(), context.currentSystemTimeMs(), version);
    for (ModelChunk c : chunks) {
      context.forward(new Record<>(Integer.toString(c.getChunkIndex()), c, timestamp));
    }
    lastPublishedSteps = version;
    metrics.modelVersion(ROLE, version);
    reportStats();
    LOG.debug("published model version {} in {} chunks", version, chunks.size());
  }

  private void reportStats() {
    StatsSnapshot s = trainer.snapshot();
    SaeConfig m = settings.trainer().model();
    int dense = (int) Math.round(s.denseFraction() * m.latentDim());
    double l0Target = m.activation().isTopK() ? m.k() : Double.NaN;
    metrics.trainingStats(s, trainer.deadCount(), dense, l0Target);
  }

  private void checkpoint() {
    long now = context.currentSystemTimeMs();
    byte[] bytes = trainer.checkpoint();
    checkpoints.save(bytes, trainer.steps(), replay.seal());
    replay.truncate();
    lastCheckpointSteps = trainer.steps();
    lastCheckpointAt = now;
    metrics.checkpoint(bytes.length, now);
  }

  /** The live trainer (for tests in this package). */
  OnlineTrainer trainer() {
    return trainer;
  }
}
