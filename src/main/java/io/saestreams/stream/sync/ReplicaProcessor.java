package io.saestreams.stream.sync;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.InputNormaliser;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import io.saestreams.stream.training.CheckpointStore;
import io.saestreams.stream.training.ReplayLog;
import io.saestreams.stream.training.SampleFetcher;
import io.saestreams.stream.training.TrainerSettings;
import io.saestreams.stream.training.TrainingSample;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.ParameterAverage;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.TrainerPool;
import io.saestreams.train.TrainerThread;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica of data-parallel training in the task of one input partition: trains on that
 * partition's samples, on a thread of its own, in synchronous rounds.
 *
 * <p>A round is {@code train.sync.steps} full mini-batches ({@code S} samples), or less when it has
 * lasted {@code train.sync.max.wait.ms} (its partial batch is trained, and a replica without
 * samples contributes with weight 0). A replica whose partition has had no sample for that wait
 * contributes its empty update at once while other replicas are training (the last average
 * differed from its own parameters), so that an idle partition does not hold every round up. At
 * its end the replica forwards its parameters and its sample count to the sync topic and, at every
 * {@code train.sync.checkpoint.rounds}-th round end, checkpoints (its state at the end of the
 * round); at the others it records only the round's sample count beside the last checkpoint
 * ({@link RoundState#ends}), all in the task's transaction. Until the round's average arrives in
 * the global model store as version {@code round + 1}, new samples wait in memory (and, as
 * references, in the replay store); the stream thread never waits for it. On the average's
 * arrival the replica takes its parameters ({@link OnlineTrainer#adopt}) and trains the waiting
 * samples as the next round.
 *
 * <p>Exact resume: the checkpoint, the round state and the replay store are changelogged, so after
 * a crash the replica restores the checkpoint and goes through the samples after it again — the
 * same ones, to the same round ends (also those that had ended by the clock: their sample counts
 * are recorded), contributing nothing it had contributed — and takes the same averages: the global
 * store keeps the newest {@code train.sync.checkpoint.rounds} versions, and no version newer than
 * those this replica's rounds since its checkpoint need can exist (each needs this replica's next
 * contribution). A round that runs longer than {@code train.checkpoint.interval.steps} steps or
 * {@code train.checkpoint.interval.ms} is also checkpointed inside, at those intervals; shorter
 * rounds are checkpointed only at their ends, so that the interval, which the single trainer
 * uses too, does not override {@code train.sync.checkpoint.rounds}.
 *
 * <p><b>Overlapped rounds</b> ({@code train.sync.overlap.steps} k > 0). After contributing round
 * r the replica does not wait: it trains round r + 1 from its own parameters, and after k steps of
 * it (or at its end, if that comes first) takes round r's average ({@link OnlineTrainer#rebase}:
 * its parameters plus the average minus what it contributed), waiting for it only if it has not
 * arrived by then. The take happens at a fixed sample count, so replay takes it at the same point.
 * What the replica contributed (the anchor) is its state at the round's end: a restored replica
 * late for an average finds it in its checkpoint (no checkpoint is taken inside a round before the
 * late average is taken, so a late replica's checkpoint is the one of its round's end), or makes
 * it again by training the rounds since its checkpoint again. {@link
 * io.saestreams.train.DataParallelRun} runs the same schedule on one thread.
 */
public final class ReplicaProcessor implements Processor<String, TrainingSample, String, SyncChunk> {
  public static final String CHECKPOINT_STORE = "replica-checkpoint";
  public static final String REPLAY_STORE = "replica-replay";
  /** The {@link RoundState} entry of the checkpoint store. */
  static final String ROUND_KEY = "round";
  /** Most samples waiting for the training thread, in batches. */
  static final int QUEUED_BATCHES = 4;

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaProcessor.class);

  /**
   * An average taken: the replica's distance from it, how long the round lasted, and how long the
   * replica's training waited for it.
   */
  private record Adoption(double divergence, long roundMs, long waitMs, boolean report) {}

  private record Snapshot(byte[] bytes, long steps, SaeParameters params, InputNormaliser statistics,
      StatsSnapshot stats, int dead) {}

  /** A round's end on its way: whether it checkpoints, and whether it is one trained again after a restore. */
  private record Ending(boolean checkpoint, boolean replayed) {}

  /** What the replica contributed to the round whose average it has still to take. */
  private record Anchor(SaeParameters params, InputNormaliser statistics) {}

  private final TrainerSettings settings;
  private final int syncSteps;
  private final long maxWaitMs;
  /** train.sync.checkpoint.rounds: a checkpoint at every this many round ends. */
  private final int checkpointRounds;
  private final int partitions;
  private final String modelStoreName;
  private final SaeMetricsSink metrics;
  private final SampleFetcher.Factory fetchers;
  private final long roundSamples;
  /** train.sync.overlap.steps: 0 for synchronous rounds. */
  private final int overlapSteps;
  /** Samples of a round after which the previous round's average is taken (overlapped rounds). */
  private final long lateAt;
  /** The training threads replicas share, or null for the owner's thread ({@code train.async=false}). */
  private final TrainerPool pool;

  private ProcessorContext<String, SyncChunk> context;
  private KeyValueStore<String, byte[]> checkpointKv;
  private CheckpointStore checkpoints;
  private ReplayLog replay;
  private ReadOnlyKeyValueStore<String, byte[]> models;
  private TrainerThread<Void> trainer;
  private int partition;
  /** Samples not handed to the trainer yet: replayed ones after a restore, and a round's overflow. */
  private final ArrayDeque<TrainingSample> pending = new ArrayDeque<>();
  private long round;
  /** Synchronous rounds: the replica has contributed {@code round} and waits for its average. */
  private boolean awaiting;
  /** Overlapped rounds: the replica has still to take the average of round {@code round - 1}. */
  private boolean late;
  /** Overlapped rounds: the round has ended, but waits for the late average before its snapshot. */
  private boolean closing;
  /** Overlapped rounds: what the replica contributed to round {@code round - 1}, while late. */
  private Anchor anchor;
  /** When the round whose average is late started (for the round-duration metric). */
  private long lateRoundStartedAt;
  /** The trainer's state changed since the last checkpoint (samples trained, an average taken). */
  private boolean changedSinceCheckpoint;
  /** The state saved with the last checkpoint, and the rounds ended since ({@link RoundState#ends}). */
  private RoundState base;
  /**
   * After a restore: the samples of the rounds that had ended since the checkpoint, still to end
   * again; while any is left, rounds end at these counts (not by the clock) and contribute nothing
   * (their contributions are committed), and no checkpoint is taken.
   */
  private final ArrayDeque<Long> replayEnds = new ArrayDeque<>();
  /** Some samples to train again were no longer in the input topic: rounds trained again may end by the clock. */
  private boolean replayIncomplete;
  /** Since when no sample can go to the trainer until an average arrives (-1: not waiting for one). */
  private long waitingSince = -1;
  /** Samples handed to the trainer in this round. */
  private long inRound;
  private long roundStartedAt;
  private long steps;
  private long lastCheckpointSteps;
  private long lastCheckpointAt;
  /**
   * The training thread's snapshot at the end of the round, on its way: the round has ended (no
   * new sample goes to the trainer), but its checkpoint and contribution are written only when the
   * snapshot is here, so that the stream thread does not wait for the training thread to catch up.
   */
  private CompletableFuture<Snapshot> ending;
  private Ending endingKind;
  private long endingAt;
  /**
   * Whether this run contributed the awaited round (not so after a restore): only then is the
   * divergence metric reported.
   */
  private boolean contributed;
  private long lastSampleAt;
  /**
   * Whether the last average differed from this replica's own parameters: another replica is
   * training, so this one, when its partition has been idle for the wait, contributes its empty
   * update at the start of a round instead of holding every round up for the wait.
   */
  private boolean othersTraining;
  /** The last average's adoption on the training thread, until its outcome has been read. */
  private CompletableFuture<Adoption> adopting;

  /**
   * @param partitions replicas in the group
   * @param modelStoreName the global store of model versions the averages arrive in
   * @param fetchers reads replayed samples again from the input topic after a restart
   * @param pool the training threads this instance's replicas share; null to train on the stream
   *     thread
   * @param overlapSteps steps of a round trained before the previous round's average is taken, in
   *     [0, syncSteps]; 0 for synchronous rounds
   */
  public ReplicaProcessor(TrainerSettings settings, int syncSteps, int overlapSteps, long maxWaitMs,
      int checkpointRounds, int partitions, String modelStoreName, SaeMetricsSink metrics,
      SampleFetcher.Factory fetchers, TrainerPool pool) {
    if (syncSteps < 1 || maxWaitMs < 1 || partitions < 1 || checkpointRounds < 1) {
      throw new IllegalArgumentException("sync steps, max wait, checkpoint rounds and partitions must be >= 1, got "
          + syncSteps + ", " + maxWaitMs + ", " + checkpointRounds + ", " + partitions);
    }
    this.checkpointRounds = checkpointRounds;
    if (overlapSteps < 0 || overlapSteps > syncSteps) {
      throw new IllegalArgumentException("overlap steps must be in [0, " + syncSteps + "] (the sync steps), got "
          + overlapSteps);
    }
    this.overlapSteps = overlapSteps;
    this.lateAt = (long) overlapSteps * settings.trainer().batchSize();
    this.settings = settings;
    this.syncSteps = syncSteps;
    this.maxWaitMs = maxWaitMs;
    this.partitions = partitions;
    this.modelStoreName = modelStoreName;
    this.metrics = metrics;
    this.fetchers = fetchers;
    this.pool = pool;
    this.roundSamples = (long) syncSteps * settings.trainer().batchSize();
  }

  @Override
  public void init(ProcessorContext<String, SyncChunk> context) {
    this.context = context;
    partition = context.taskId().partition();
    if (partition >= partitions) {
      throw new IllegalStateException("input partition " + partition + " is outside the " + partitions
          + " replicas of this data-parallel group (train.sync.partitions or the input topic's partition"
          + " count when the application started); restart the application after changing partitions");
    }
    pending.clear();
    contributed = false;
    ending = null;
    checkpointKv = context.getStateStore(CHECKPOINT_STORE);
    checkpoints = new CheckpointStore(checkpointKv, settings.chunkBytes());
    replay = new ReplayLog(context.getStateStore(REPLAY_STORE));
    models = context.getStateStore(modelStoreName);
    Optional<CheckpointStore.Checkpoint> loaded = checkpoints.load();
    OnlineTrainer replica = loaded
        .map(c -> OnlineTrainer.restore(c.bytes(), Gemms.create(settings.gemmBackend())))
        .orElseGet(() -> OnlineTrainer.replica(settings.trainer(), Gemms.create(settings.gemmBackend()), partition));
    checkShape(replica.config().model());
    byte[] r = checkpointKv.get(ROUND_KEY);
    RoundState state = r == null ? RoundState.START : RoundState.fromBytes(r);
    base = state;
    replayEnds.clear();
    replayEnds.addAll(state.ends());
    endingKind = null;
    round = state.round();
    awaiting = state.awaiting();
    inRound = state.awaiting() ? 0 : state.samples();
    late = state.late();
    closing = false;
    changedSinceCheckpoint = false;
    waitingSince = -1;
    if (late && overlapSteps == 0) {
      throw new IllegalStateException("replica " + partition + " stopped with overlapped rounds, late for the"
          + " average of round " + (round - 1) + ", and restarts with train.sync.overlap.steps=0; restart it with"
          + " overlapped rounds, or use a new application.id");
    }
    // the checkpoint of a late replica is the one of its round's end: its state is what it contributed
    anchor = late ? new Anchor(replica.parameters().copy(),
        replica.normaliser() == null ? null : replica.normaliser().copy()) : null;
    ReplayLog.Replayed replayed = replay.replaySamples(
        loaded.map(CheckpointStore.Checkpoint::replayFrom).orElse(0L), pending::add,
        () -> fetchers.open(context.appConfigs()));
    metrics.replayed(replayed.samples(), replayed.missing());
    if (replayed.missing() > 0) {
      LOG.warn("replica {}: {} of the {} samples to replay are no longer in the input topic; training resumes"
          + " without them, so not exactly where it stopped. Keep the input topic's retention well above"
          + " train.checkpoint.interval.ms and train.sync.max.wait.ms.", partition, replayed.missing(),
          replayed.missing() + replayed.samples());
    }
    // rounds trained again still end at their recorded counts, filled up with new samples; one
    // that cannot be filled ends by the clock like any round, so that a missing sample stalls nothing
    replayIncomplete = replayed.missing() > 0;
    steps = replica.steps();
    lastCheckpointSteps = steps;
    LOG.info("replica {} {} at step {}, round {}{}, {} samples to go through again{}", partition,
        loaded.isPresent() ? "restored" : "started", steps, round, awaiting ? " (awaiting its average)" : "",
        pending.size(), replayEnds.isEmpty() ? "" : ", " + replayEnds.size() + " rounds of them ended before");
    int capacity = QUEUED_BATCHES * settings.trainer().batchSize();
    String name = "sae-replica-" + context.taskId();
    trainer = pool != null
        ? new TrainerThread<>(replica, pool, capacity, name, v -> false, t -> null)
        : new TrainerThread<>(replica, false, capacity, name, v -> false, t -> null);
    long now = context.currentSystemTimeMs();
    roundStartedAt = now;
    lateRoundStartedAt = now;
    lastCheckpointAt = now;
    lastSampleAt = now;
    othersTraining = false;
    adopting = null;
    context.schedule(Duration.ofMillis(punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  private long punctuateIntervalMs() {
    return Math.max(1, Math.min(100, maxWaitMs / 4));
  }

  private void checkShape(SaeConfig saved) {
    SaeConfig wanted = settings.trainer().model();
    if (saved.inputDim() != wanted.inputDim() || saved.latentDim() != wanted.latentDim()) {
      throw new IllegalStateException("replica " + partition + "'s checkpoint is of a model with input dim "
          + saved.inputDim() + " and latent dim " + saved.latentDim() + ", but the configuration asks for "
          + wanted.inputDim() + " and " + wanted.latentDim()
          + "; use a new application.id (or reset the application) to train a different model");
    }
  }

  @Override
  public void process(Record<String, TrainingSample> record) {
    replay.append(record.value());
    pending.add(record.value());
    lastSampleAt = context.currentSystemTimeMs();
    drive(record.timestamp());
  }

  private void punctuate(long now) {
    drive(now);
    boolean idle = pending.isEmpty() && now - lastSampleAt >= maxWaitMs;
    if (roundOpen() && (replayEnds.isEmpty() || replayIncomplete)
        && (now - roundStartedAt >= maxWaitMs || (inRound == 0 && idle && othersTraining))) {
      endRound(now);
      drive(now);
    }
    if (checkpointable() && !replay.isEmpty() && (checkpointDueBySteps() || checkpointDueByClock(now))) {
      checkpoint(now);
    }
  }

  /** Takes an arrived average, hands waiting samples to the trainer, ends full rounds. */
  private void drive(long timestamp) {
    while (true) {
      if (ending != null) {
        if (!ending.isDone()) {
          break;
        }
        Snapshot s = ending.join();
        ending = null;
        finishRound(s, timestamp);
      }
      if (awaiting && !adoptIfArrived()) {
        break;
      }
      if (closing) {
        if (!takeLate()) {
          break;
        }
        closing = false;
        snapshotRoundEnd();
        continue;
      }
      long end = replayEnds.isEmpty() ? roundSamples : replayEnds.peek();
      long limit = late ? Math.min(lateAt, end) : end;
      long handed = handOver(pending, limit - inRound, roundSamples, trainer);
      inRound += handed;
      if (handed > 0) {
        changedSinceCheckpoint = true;
      }
      if (late && inRound >= lateAt) {
        if (!takeLate()) {
          break;
        }
        continue;
      }
      if (inRound < end) {
        break;
      }
      endRound(timestamp);
    }
    drain();
    if (checkpointable() && checkpointDueBySteps()) {
      checkpoint(timestamp);
    }
  }

  /**
   * A checkpoint inside the round is due by steps: train.checkpoint.interval.steps since the last
   * checkpoint, and the round itself has had that many steps' samples.
   */
  private boolean checkpointDueBySteps() {
    long interval = settings.checkpointIntervalSteps();
    return steps - lastCheckpointSteps >= interval && inRound >= interval * settings.trainer().batchSize();
  }

  /** The same by the clock: train.checkpoint.interval.ms since the last checkpoint and since the round began. */
  private boolean checkpointDueByClock(long now) {
    long interval = settings.checkpointIntervalMs();
    return now - lastCheckpointAt >= interval && now - roundStartedAt >= interval;
  }

  /** Whether the round is open: not ended, neither waiting for its snapshot nor for an average. */
  private boolean roundOpen() {
    return !awaiting && !closing && ending == null;
  }

  /**
   * Whether a checkpoint may be taken inside the round: it is open, every sample is handed over,
   * and no late average is still to be taken (the checkpoint of the round's end holds the anchor).
   */
  private boolean checkpointable() {
    return roundOpen() && !late && pending.isEmpty() && replayEnds.isEmpty();
  }

  /**
   * Hands up to {@code room} pending samples to the trainer while it has room for them. It waits
   * for the trainer only when more than {@code threshold} samples are pending (so that memory
   * stays bounded when training falls behind), and then for one sample only: the stream thread's
   * other tasks must feed their replicas too, or the round, which needs every replica, waits for
   * them while this one is fed.
   *
   * @return the samples handed over, taken from the head of {@code pending}
   */
  static long handOver(ArrayDeque<TrainingSample> pending, long room, long threshold, TrainerThread<?> trainer) {
    long handed = 0;
    while (!pending.isEmpty() && handed < room) {
      float[] x = pending.peek().values();
      boolean taken = trainer.offer(x);
      if (!taken && pending.size() <= threshold) {
        break;
      }
      if (!taken) {
        trainer.accept(x);
      }
      pending.poll();
      handed++;
      if (!taken) {
        break;
      }
    }
    return handed;
  }

  private boolean adoptIfArrived() {
    long wanted = round + 1;
    long latest = ModelStoreLayout.latestVersion(models);
    if (latest < wanted) {
      return false;
    }
    byte[] average;
    if (latest > wanted && replayEnds.isEmpty()) {
      // this replica never contributed to the round after: nobody could have averaged it
      LOG.warn("replica {} awaits the average of round {} (model version {}) but the newest version is {};"
          + " taking that", partition, round, wanted, latest);
      average = ModelStoreLayout.latestModel(models);
      wanted = latest;
    } else {
      average = retained(wanted);
    }
    // the replica has trained nothing since its round ended: its parameters are what it contributed
    takeVersion(average, roundStartedAt, (t, m) -> {
      double d = ParameterAverage.distance(t.parameters(), m.parameters());
      t.adopt(m.parameters(), m.normaliser());
      return d;
    });
    long now = context.currentSystemTimeMs();
    round = wanted;
    awaiting = false;
    inRound = 0;
    roundStartedAt = now;
    changedSinceCheckpoint = true;
    return true;
  }

  /**
   * Model version {@code version}, which has arrived: the newest, or one the global store still
   * keeps for a replica that trains again rounds it had ended before a restart.
   */
  private byte[] retained(long version) {
    byte[] bytes = ModelStoreLayout.model(models, version);
    if (bytes == null) {
      throw new IllegalStateException("replica " + partition + " trains again the rounds after its checkpoint and"
          + " needs model version " + version + ", but the global model store keeps only the newest "
          + checkpointRounds + " (train.sync.checkpoint.rounds) and the newest is "
          + ModelStoreLayout.latestVersion(models) + "; restart with train.sync.checkpoint.rounds at least as"
          + " high as when this replica's checkpoint was written, or use a new application.id");
    }
    return bytes;
  }

  /**
   * Queues taking an average to the training thread, not waited for: the next samples follow it
   * in the training thread's queue. {@code how} takes it and returns the replica's divergence from
   * it, reported with the duration of the round that started at {@code roundStart}.
   */
  private void takeVersion(byte[] bytes, long roundStart, BiFunction<OnlineTrainer, SaeModel, Double> how) {
    SaeModel averaged = SaeModel.fromBytes(bytes);
    long now = context.currentSystemTimeMs();
    long roundMs = now - roundStart;
    long waitMs = waitingSince < 0 ? 0 : now - waitingSince;
    waitingSince = -1;
    boolean report = contributed;
    LOG.debug("replica {} takes model version {} after waiting {} ms for it", partition, averaged.version(), waitMs);
    adopting = trainer.submit(t -> how.apply(t, averaged))
        .thenApply(d -> new Adoption(d, roundMs, waitMs, report));
    othersTraining = false;
    contributed = false;
  }

  /**
   * Overlapped rounds: takes the late average of round {@code round - 1} (model version {@code
   * round}) if it has arrived, queued to the training thread at this point of the round's samples.
   *
   * @return whether the replica is no longer late
   */
  private boolean takeLate() {
    if (!late) {
      return true;
    }
    long latest = ModelStoreLayout.latestVersion(models);
    if (latest < round) {
      if (waitingSince < 0) {
        waitingSince = context.currentSystemTimeMs();
      }
      return false;
    }
    if (latest > round && replayEnds.isEmpty()) {
      // a round trained again after a restore may find later averages; a new round cannot
      throw new IllegalStateException("replica " + partition + " is to take the average of round " + (round - 1)
          + " (model version " + round + "), but the newest version is " + latest + ", which needs this replica's"
          + " contribution to round " + round + "; is another application writing the same model topic?");
    }
    Anchor a = anchor;
    takeVersion(retained(round), lateRoundStartedAt, (t, m) -> {
      double d = ParameterAverage.distance(a.params(), m.parameters());
      t.rebase(a.params(), m.parameters(), a.statistics(), m.normaliser());
      return d;
    });
    late = false;
    anchor = null;
    changedSinceCheckpoint = true;
    return true;
  }

  /**
   * Ends the round: hands the partial batch and a snapshot request to the training thread; the
   * snapshot's checkpoint and contribution are written once it is taken ({@link #finishRound}), at
   * a later record or punctuation. Until then the replica awaits, as it does for the average.
   * With overlapped rounds a replica still late for the previous average takes it first, and
   * waits for it if it has not arrived ({@link #closing}).
   */
  private void endRound(long timestamp) {
    trainer.flush();
    if (late) {
      closing = true;
      return;
    }
    snapshotRoundEnd();
  }

  /**
   * Fixes the round's end: a round trained again after a restore ends as it had (no checkpoint, no
   * contribution); a new one checkpoints if it is the {@code train.sync.checkpoint.rounds}-th
   * round end since the last checkpoint (and the trainer changed since), else it only records its
   * samples beside the last checkpoint.
   */
  private void snapshotRoundEnd() {
    boolean replayed = !replayEnds.isEmpty();
    if (replayed) {
      replayEnds.poll();
    }
    boolean checkpointHere = !replayed && base.ends().size() + 1 >= checkpointRounds;
    boolean save = checkpointHere && changedSinceCheckpoint;
    boolean geometry = measuresGeometry(round, partition, partitions);
    endingKind = new Ending(checkpointHere, replayed);
    ending = trainer.submit(t -> new Snapshot(save ? t.checkpoint() : null, t.steps(),
        t.parameters().copy(), t.normaliser() == null ? null : t.normaliser().copy(), t.snapshot(geometry),
        t.deadCount()));
    endingAt = context.currentSystemTimeMs();
    awaiting = overlapSteps == 0;
    if (awaiting) {
      // synchronous rounds: no sample goes to the trainer until the average arrives
      waitingSince = endingAt;
    }
  }

  /**
   * Checkpoints (unless the replica trained nothing since its last checkpoint, which then still
   * holds its state) or records the round's samples, and contributes the parameters of the
   * round's end; a round trained again after a restore does neither.
   */
  private void finishRound(Snapshot s, long timestamp) {
    drain();
    long now = context.currentSystemTimeMs();
    Ending kind = endingKind;
    endingKind = null;
    if (s.bytes() != null) {
      checkpoints.save(s.bytes(), s.steps(), replay.seal());
      replay.truncate();
      // samples beyond the round stay to be replayed after the checkpoint
      for (TrainingSample p : pending) {
        replay.append(p);
      }
      lastCheckpointSteps = s.steps();
      lastCheckpointAt = now;
      changedSinceCheckpoint = false;
      metrics.checkpoint(s.bytes().length, now);
    }
    long samples = inRound;
    if (!kind.replayed()) {
      contribute(s, timestamp);
    }
    if (overlapSteps > 0) {
      // the next round starts now, from the replica's own parameters: the snapshot is its anchor
      anchor = new Anchor(s.params(), s.statistics());
      late = true;
      lateRoundStartedAt = roundStartedAt;
      round++;
      inRound = 0;
      roundStartedAt = now;
    }
    if (kind.replayed()) {
      LOG.debug("replica {} ended round {} again at its {} samples", partition, overlapSteps > 0 ? round - 1 : round,
          samples);
      return;
    }
    if (kind.checkpoint()) {
      base = overlapSteps > 0 ? new RoundState(round, false, 0, true) : new RoundState(round, true, 0, false);
    } else {
      base = base.withEnd(samples);
    }
    checkpointKv.put(ROUND_KEY, base.toBytes());
    // the aggregator can read the contribution only once it is committed, and the round waits for it
    context.commit();
    contributed = true;
    report(s);
    LOG.trace("replica {} waited {} ms for its round's snapshot", partition, now - endingAt);
  }

  private void contribute(Snapshot s, long timestamp) {
    SaeModel model = SaeModel.of(settings.trainer().model(), s.params(), round + 1, s.statistics());
    byte[] bytes = model.toBytes();
    long crc = Chunks.crc32(bytes);
    List<byte[]> parts = Chunks.split(bytes, settings.chunkBytes());
    for (int i = 0; i < parts.size(); i++) {
      SyncChunk c = new SyncChunk(round, partition, partitions, inRound, s.steps(), i, parts.size(), bytes.length,
          crc, parts.get(i));
      // keyed by round, replica and chunk: the compacted sync topic keeps each until its round is averaged
      context.forward(new Record<>(SyncAggregator.chunkKey(round, partition, i), c, timestamp));
    }
    LOG.debug("replica {} contributed {} samples to round {}", partition, inRound, round);
  }

  /**
   * Whether this replica takes the decoder's maximum pairwise cosine (O(n²·d)) at the end of this
   * round: one replica a round, in turns, since every replica reports to the same gauge (which
   * keeps the last value a report carried) and the replicas' decoders differ only by a round's
   * local steps.
   */
  static boolean measuresGeometry(long round, int partition, int partitions) {
    return Math.floorMod(round, (long) partitions) == Math.floorMod(partition, partitions);
  }

  /** The replica's learning statistics at the end of a round (every replica reports to the same meters). */
  private void report(Snapshot s) {
    SaeConfig m = settings.trainer().model();
    int dense = (int) Math.round(s.stats().denseFraction() * m.latentDim());
    double l0Target = m.activation().isTopK() ? m.k() : Double.NaN;
    metrics.trainingStats(s.stats(), s.dead(), dense, l0Target);
  }

  /** A checkpoint inside a round: everything handed to the trainer so far is covered. */
  private void checkpoint(long timestamp) {
    Snapshot s = trainer.await(t -> new Snapshot(t.checkpoint(), t.steps(), null, null, null, 0));
    drain();
    long now = context.currentSystemTimeMs();
    checkpoints.save(s.bytes(), s.steps(), replay.seal());
    replay.truncate();
    base = new RoundState(round, false, inRound, false);
    checkpointKv.put(ROUND_KEY, base.toBytes());
    changedSinceCheckpoint = false;
    lastCheckpointSteps = s.steps();
    lastCheckpointAt = now;
    metrics.checkpoint(s.bytes().length, now);
  }

  /** Reports the steps the trainer finished, and the last average's adoption once it is done. */
  private void drain() {
    for (TrainerThread.Done<Void> d : trainer.drain()) {
      metrics.trainingStep(d.step());
      steps = d.steps();
    }
    if (adopting != null && adopting.isDone()) {
      Adoption a = adopting.join();
      adopting = null;
      othersTraining = a.divergence() != 0;
      if (a.report()) {
        metrics.syncRound(partition, a.divergence(), a.roundMs(), a.waitMs());
      }
    }
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
    }
  }

  /** Runs {@code f} on the replica once it has trained everything handed over (for tests). */
  <T> T inspect(Function<OnlineTrainer, T> f) {
    return trainer.await(f);
  }

  /** The round the replica is in, and whether it awaits that round's average (for tests). */
  RoundState roundState() {
    return new RoundState(round, awaiting, inRound, late);
  }

  /** The state saved beside the last checkpoint, with the round ends recorded since (for tests). */
  RoundState savedState() {
    return base;
  }
}
