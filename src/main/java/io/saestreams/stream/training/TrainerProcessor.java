package io.saestreams.stream.training;

import io.saestreams.avro.ModelChunk;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.train.LatentDrift;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.TrainerThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
 * input topic still holds them. A checkpoint is taken every N steps, at least every T ms while
 * there are new samples, and after every partial batch (a partial batch is not reproduced by
 * replaying samples). A wall-clock punctuator trains a partial batch when no sample has arrived
 * for the configured wait.
 *
 * <p>Training runs on a thread of its own ({@link TrainerThread}) unless {@code train.async} is
 * false: the stream thread hands samples over and goes on, and forwards what the trainer
 * finished (steps for the metrics, model versions) at its next record or punctuation. A
 * checkpoint waits for the trainer to catch up first, so it covers exactly the samples the
 * replay store holds.
 *
 * <p>Output: model versions as {@link ModelChunk} records keyed by chunk index, for every step
 * count that is a multiple of M and after every partial batch. The version is the trainer's step
 * count, which the checkpoint restores, so versions increase across restarts. The last version
 * forwarded is kept in the checkpoint store: a version trained but not yet forwarded when the
 * application stopped is trained again by the replay and forwarded then, so that every due
 * version is published exactly once.
 */
public final class TrainerProcessor implements Processor<String, TrainingSample, String, ModelChunk> {
  public static final String CHECKPOINT_STORE = "trainer-checkpoint";
  public static final String REPLAY_STORE = "trainer-replay";
  static final String ROLE = "trainer";
  /** Most samples waiting for the training thread, in batches. */
  public static final int QUEUED_BATCHES = 4;

  private static final Logger LOG = LoggerFactory.getLogger(TrainerProcessor.class);

  /** A model version and the trainer's statistics at it, taken on the training thread. */
  private record Publication(SaeModel model, StatsSnapshot stats, int dead) {}

  private record Snapshot(byte[] bytes, long steps) {}

  private final TrainerSettings settings;
  private final SaeMetricsSink metrics;
  private final SampleFetcher.Factory fetchers;
  private ProcessorContext<String, ModelChunk> context;
  private CheckpointStore checkpoints;
  private ReplayLog replay;
  private TrainerThread<Publication> trainer;
  /** Versions the replay trained again that were never forwarded; forwarded first. */
  private final List<Publication> replayed = new ArrayList<>();
  private final LatentDrift drift = new LatentDrift();
  private long steps;
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
    // init may follow a close on the same instance (a suspended task resumed)
    replayed.clear();
    KeyValueStore<String, byte[]> cp = context.getStateStore(CHECKPOINT_STORE);
    KeyValueStore<Long, byte[]> rp = context.getStateStore(REPLAY_STORE);
    checkpoints = new CheckpointStore(cp, settings.chunkBytes());
    replay = new ReplayLog(rp);
    Optional<CheckpointStore.Checkpoint> loaded = checkpoints.load();
    OnlineTrainer restored = loaded.map(this::restore).orElseGet(
        () -> new OnlineTrainer(settings.trainer(), Gemms.create(settings.gemmBackend())));
    lastCheckpointSteps = loaded.map(CheckpointStore.Checkpoint::steps).orElse(0L);
    long forwarded = checkpoints.lastPublished().orElse(lastCheckpointSteps);
    ReplayLog.Replayed r = replay.replay(
        loaded.map(CheckpointStore.Checkpoint::replayFrom).orElse(0L),
        x -> {
          if (restored.accept(x) != null && due(restored.steps()) && restored.steps() > forwarded) {
            replayed.add(publication(restored));
          }
        },
        () -> fetchers.open(context.appConfigs()));
    metrics.replayed(r.samples(), r.missing());
    if (r.missing() > 0) {
      LOG.warn("{} of the {} samples to replay are no longer in the input topic (retention or compaction"
          + " removed them, or they no longer validate); training resumes without them, so not exactly"
          + " where it stopped. Keep the input topic's retention well above train.checkpoint.interval.ms"
          + " to avoid this.", r.missing(), r.missing() + r.samples());
    }
    LOG.info("trainer {} at step {} after replaying {} samples", loaded.isPresent() ? "restored" : "started",
        restored.steps(), r.samples());
    steps = restored.steps();
    trainer = new TrainerThread<>(restored, settings.async(), QUEUED_BATCHES * settings.trainer().batchSize(),
        "sae-trainer-" + context.taskId(), this::due, TrainerProcessor::publication);
    lastCheckpointAt = context.currentSystemTimeMs();
    lastSampleAt = lastCheckpointAt;
    context.schedule(Duration.ofMillis(settings.punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  private boolean due(long version) {
    return version % settings.publishIntervalSteps() == 0;
  }

  private static Publication publication(OnlineTrainer t) {
    return new Publication(t.model(), t.snapshot(), t.deadCount());
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
    trainer.accept(record.value().values());
    forwardDone(record.timestamp());
    if (steps - lastCheckpointSteps >= settings.checkpointIntervalSteps()) {
      checkpoint(record.timestamp());
    }
  }

  private void punctuate(long now) {
    forwardDone(now);
    if (now - lastSampleAt >= settings.batchMaxWaitMs() && trainer.await(OnlineTrainer::buffered) > 0) {
      trainer.flush();
      checkpoint(now);
    } else if (!replay.isEmpty()
        && (now - lastCheckpointAt >= settings.checkpointIntervalMs()
            || steps - lastCheckpointSteps >= settings.checkpointIntervalSteps())) {
      checkpoint(now);
    }
  }

  /** Reports the steps the trainer has finished and forwards the versions among them. */
  private void forwardDone(long timestamp) {
    for (Publication p : replayed) {
      forward(p, timestamp);
    }
    replayed.clear();
    for (TrainerThread.Done<Publication> d : trainer.drain()) {
      metrics.trainingStep(d.step());
      steps = d.steps();
      if (d.publication() != null) {
        forward(d.publication(), timestamp);
      }
    }
  }

  private void forward(Publication p, long timestamp) {
    long version = p.model().version();
    List<ModelChunk> chunks =
        ModelPublisher.chunks(p.model(), settings.chunkBytes(), context.currentSystemTimeMs(), version);
    for (ModelChunk c : chunks) {
      context.forward(new Record<>(Integer.toString(c.getChunkIndex()), c, timestamp));
    }
    checkpoints.published(version);
    metrics.modelVersion(ROLE, version);
    SaeConfig m = settings.trainer().model();
    int dense = (int) Math.round(p.stats().denseFraction() * m.latentDim());
    double l0Target = m.activation().isTopK() ? m.k() : Double.NaN;
    metrics.trainingStats(p.stats(), p.dead(), dense, l0Target);
    metrics.latentDrift(drift.update(p.stats().firingFrequency()));
    LOG.debug("published model version {} in {} chunks", version, chunks.size());
  }

  /** Waits for the trainer to catch up, forwards what it finished, then saves the checkpoint. */
  private void checkpoint(long timestamp) {
    Snapshot s = trainer.await(t -> new Snapshot(t.checkpoint(), t.steps()));
    forwardDone(timestamp);
    long now = context.currentSystemTimeMs();
    checkpoints.save(s.bytes(), s.steps(), replay.seal());
    replay.truncate();
    lastCheckpointSteps = s.steps();
    lastCheckpointAt = now;
    metrics.checkpoint(s.bytes().length, now);
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
    }
  }

  /** Runs {@code f} on the trainer once it has trained everything handed over (for tests). */
  <T> T inspect(Function<OnlineTrainer, T> f) {
    return trainer.await(f);
  }
}
