package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.avro.ModelChunk;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.RecordingMetrics;
import io.saestreams.train.GaussianRows;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restart behaviour of the trainer: a processor that stops (crashes) and a new one started on the
 * same stores must end bit-identical to a trainer that never stopped — training on the stream
 * thread and on a thread of its own alike.
 */
@Timeout(60)
class TrainerProcessorTest {
  private static final int D = 6;
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 10).build()).withBatchSize(4).withSeed(99);

  /** Batch 4, idle flush after 1 s, checkpoint every 2 steps, publish every 1,000. */
  private static TrainerSettings settings(boolean async) {
    return new TrainerSettings(CONFIG, "java", 1_000, 2, 600_000, 1_000, 1024, async);
  }

  private final KeyValueStore<String, byte[]> checkpoints =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(TrainerProcessor.CHECKPOINT_STORE), Serdes.String(), Serdes.ByteArray())
          .withLoggingDisabled()
          .build();
  private final KeyValueStore<Long, byte[]> replay =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(TrainerProcessor.REPLAY_STORE), Serdes.Long(), Serdes.ByteArray())
          .withLoggingDisabled()
          .build();
  private boolean storesOpen;
  /** The "input topic" the trainer reads replayed samples back from. */
  private final Map<InputRef, float[]> inputTopic = new HashMap<>();
  private final SampleFetcher.Factory fetchers = MapSampleFetchers.of(inputTopic);

  private MockProcessorContext<String, ModelChunk> context() {
    MockProcessorContext<String, ModelChunk> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(0);
    if (!storesOpen) {
      checkpoints.init(ctx.getStateStoreContext(), checkpoints);
      replay.init(ctx.getStateStoreContext(), replay);
      storesOpen = true;
    }
    ctx.addStateStore(checkpoints);
    ctx.addStateStore(replay);
    return ctx;
  }

  private final List<TrainerProcessor> started = new ArrayList<>();
  private SaeMetricsSink metrics = SaeMetricsSink.NOOP;

  private TrainerProcessor start(MockProcessorContext<String, ModelChunk> ctx, TrainerSettings settings) {
    TrainerProcessor p = new TrainerProcessor(settings, metrics, fetchers);
    p.init(ctx);
    started.add(p);
    return p;
  }

  private TrainerProcessor start(MockProcessorContext<String, ModelChunk> ctx, boolean async) {
    return start(ctx, settings(async));
  }

  @AfterEach
  void stopTrainingThreads() {
    started.forEach(TrainerProcessor::close);
  }

  private static float[][] samples(int n, long seed) {
    return GaussianRows.of(n, D, seed);
  }

  /** Sample i comes from offset i of input partition i % 2; the topic keeps a copy. */
  private void feed(TrainerProcessor p, float[][] xs, int from, int to) {
    for (int i = from; i < to; i++) {
      InputRef ref = new InputRef(i % 2, i);
      inputTopic.put(ref, xs[i].clone());
      p.process(new Record<>("k" + i, new TrainingSample("id" + i, i, xs[i], ref), i));
    }
  }

  /** Waits for the trainer, then punctuates (not idle long enough to flush) to forward its steps. */
  private static void settle(TrainerProcessor p, MockProcessorContext<String, ModelChunk> ctx) {
    p.inspect(t -> null);
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
  }

  private static OnlineTrainer reference(float[][] xs) {
    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (float[] x : xs) {
      reference.accept(x);
    }
    return reference;
  }

  private static List<Long> versions(MockProcessorContext<String, ModelChunk> ctx) {
    return ctx.forwarded().stream().map(f -> f.record().value())
        .filter(c -> c.getChunkIndex() == 0).map(ModelChunk::getModelVersion).toList();
  }

  @ParameterizedTest(name = "crash after {0}, async {1}")
  @CsvSource({"0,false", "3,false", "7,false", "8,false", "13,false", "15,false",
      "0,true", "3,true", "7,true", "8,true", "13,true", "15,true"})
  void restartResumesExactly(int crashAfter, boolean async) {
    float[][] xs = samples(23, crashAfter);
    TrainerProcessor first = start(context(), async);
    feed(first, xs, 0, crashAfter);
    TrainerProcessor second = start(context(), async);
    assertThat(second.inspect(OnlineTrainer::steps)).isEqualTo(crashAfter / 4);
    assertThat(second.inspect(OnlineTrainer::buffered)).isEqualTo(crashAfter % 4);
    feed(second, xs, crashAfter, xs.length);
    assertThat(second.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference(xs).checkpoint());
  }

  @Test
  void checkpointsEveryNStepsAndKeepsOnlyLaterSamplesForReplay() {
    float[][] xs = samples(10, 1);
    TrainerProcessor p = start(context(), false);
    feed(p, xs, 0, 10);
    // two steps → a checkpoint after sample 8; samples 9 and 10 are in the replay store
    assertThat(new CheckpointStore(checkpoints, 1024).load()).get()
        .satisfies(c -> assertThat(c.steps()).isEqualTo(2))
        .satisfies(c -> assertThat(c.replayFrom()).isEqualTo(1));
    assertThat(replay.approximateNumEntries()).isEqualTo(1);
    assertThat(replay.get(1L)).as("one block of two 13-byte references").hasSize(1 + 2 * 13);
    assertThat(checkpoints.get(CheckpointStore.chunkKey(0, 1))).as("checkpoint spans several chunks").isNotNull();
  }

  @Test
  void onItsOwnThreadACheckpointCoversExactlyTheSamplesTheReplayStoreDoesNot() {
    float[][] xs = samples(10, 1);
    MockProcessorContext<String, ModelChunk> ctx = context();
    TrainerProcessor p = start(ctx, true);
    feed(p, xs, 0, 10);
    settle(p, ctx);
    // the stream thread learns of the steps late, so the checkpoint may cover up to all ten
    // samples; whatever it does not cover is in the replay store
    CheckpointStore.Checkpoint c = new CheckpointStore(checkpoints, 1024).load().orElseThrow();
    assertThat(c.steps()).isEqualTo(2);
    OnlineTrainer atCheckpoint = OnlineTrainer.restore(c.bytes(), Gemms.create("java"));
    long covered = atCheckpoint.samplesSeen() + atCheckpoint.buffered();
    ReplayLog.Replayed rest = new ReplayLog(replay).replay(c.replayFrom(), x -> { },
        () -> fetchers.open(Map.of()));
    assertThat(covered).isBetween(8L, 10L);
    assertThat(covered + rest.samples()).isEqualTo(10);
    assertThat(p.inspect(OnlineTrainer::buffered)).isEqualTo(2);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void flushedPartialBatchIsCheckpointedSoRestartStaysExact(boolean async) {
    float[][] xs = samples(12, 2);
    MockProcessorContext<String, ModelChunk> ctx = context();
    ctx.setCurrentSystemTimeMs(0);
    TrainerProcessor first = start(ctx, async);
    feed(first, xs, 0, 3);
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(999);
    assertThat(first.inspect(OnlineTrainer::steps)).as("not idle long enough").isZero();
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
    assertThat(first.inspect(OnlineTrainer::steps)).isEqualTo(1);
    assertThat(ctx.forwarded()).as("a partial batch is always published").isNotEmpty()
        .allSatisfy(f -> assertThat(f.record().value().getModelVersion()).isEqualTo(1));
    feed(first, xs, 3, 5);

    TrainerProcessor second = start(context(), async);
    assertThat(second.inspect(OnlineTrainer::steps)).isEqualTo(1);
    assertThat(second.inspect(OnlineTrainer::buffered)).isEqualTo(2);
    feed(second, xs, 5, 12);

    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (int i = 0; i < 3; i++) {
      reference.accept(xs[i]);
    }
    reference.flush();
    for (int i = 3; i < 12; i++) {
      reference.accept(xs[i]);
    }
    assertThat(second.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference.checkpoint());
  }

  @Test
  void publishedVersionsIncreaseAcrossRestarts() {
    TrainerSettings publishEachStep = new TrainerSettings(CONFIG, "java", 1_000, 3, 600_000, 1, 1024, false);
    float[][] xs = samples(16, 3);
    MockProcessorContext<String, ModelChunk> ctx1 = context();
    TrainerProcessor first = start(ctx1, publishEachStep);
    feed(first, xs, 0, 8);
    MockProcessorContext<String, ModelChunk> ctx2 = context();
    TrainerProcessor second = start(ctx2, publishEachStep);
    feed(second, xs, 8, 16);
    assertThat(versions(ctx1)).containsExactly(1L, 2L);
    assertThat(versions(ctx2)).containsExactly(3L, 4L);
  }

  @ParameterizedTest(name = "stopped after {0} samples")
  @ValueSource(ints = {5, 8, 9, 12, 13, 16, 21})
  void onItsOwnThreadEveryDueVersionIsPublishedOnceAcrossAStop(int stopAfter) {
    // publish every step, checkpoint every 3: versions trained but not forwarded before the stop
    // are trained again by the replay and forwarded by the next instance
    TrainerSettings publishEachStep = new TrainerSettings(CONFIG, "java", 1_000, 3, 600_000, 1, 1024, true);
    float[][] xs = samples(24, stopAfter);
    MockProcessorContext<String, ModelChunk> ctx1 = context();
    TrainerProcessor first = start(ctx1, publishEachStep);
    feed(first, xs, 0, stopAfter);
    MockProcessorContext<String, ModelChunk> ctx2 = context();
    TrainerProcessor second = start(ctx2, publishEachStep);
    feed(second, xs, stopAfter, 24);
    settle(second, ctx2);
    List<Long> all = new ArrayList<>(versions(ctx1));
    all.addAll(versions(ctx2));
    assertThat(all).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(second.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference(xs).checkpoint());
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void samplesWithoutSourceAreKeptWholeAndStillResumeExactly(boolean async) {
    float[][] xs = samples(11, 4);
    TrainerProcessor first = start(context(), async);
    for (int i = 0; i < 11; i++) {
      first.process(new Record<>("k" + i, new TrainingSample("id" + i, i, xs[i], null), i));
    }
    inputTopic.clear();
    TrainerProcessor second = start(context(), async);
    assertThat(second.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference(xs).checkpoint());
  }

  @Test
  void replayedSamplesGoneFromTheInputTopicAreSkipped() {
    float[][] xs = samples(15, 5);
    TrainerProcessor first = start(context(), false);
    feed(first, xs, 0, 15);
    // checkpoint after sample 8; samples 8..14 replay; 9 and 12 have been deleted from the topic
    inputTopic.remove(new InputRef(1, 9));
    inputTopic.remove(new InputRef(0, 12));
    RecordingMetrics recorded = new RecordingMetrics();
    metrics = recorded;
    TrainerProcessor second = start(context(), false);
    assertThat(recorded.replays).containsExactly("5+2");
    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (int i = 0; i < 15; i++) {
      if (i != 9 && i != 12) {
        reference.accept(xs[i]);
      }
    }
    assertThat(second.inspect(OnlineTrainer::steps)).isEqualTo(3);
    assertThat(second.inspect(OnlineTrainer::buffered)).isEqualTo(1);
    assertThat(second.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference.checkpoint());
  }

  @Test
  void aFailureOnTheTrainingThreadReachesTheStreamThread() {
    MockProcessorContext<String, ModelChunk> ctx = context();
    TrainerProcessor p = start(ctx, true);
    float[] wrongDimension = new float[D + 1];
    assertThatThrownBy(() -> {
      p.process(new Record<>("k", new TrainingSample("id", 0, wrongDimension, new InputRef(0, 0)), 0));
      for (int i = 1; i < 1_000; i++) {
        p.process(new Record<>("k", new TrainingSample("id", i, new float[D], new InputRef(0, i)), i));
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("training failed")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onItsOwnThreadFinishedStepsAreForwardedByAFrequentPunctuatorWithoutMoreInput() {
    MockProcessorContext<String, ModelChunk> sync = context();
    start(sync, false);
    assertThat(sync.scheduledPunctuators().get(0).getInterval()).isEqualTo(Duration.ofMillis(500));
    MockProcessorContext<String, ModelChunk> ctx = context();
    TrainerSettings publishEachStep = new TrainerSettings(CONFIG, "java", 1_000, 3, 600_000, 1, 1024, true);
    TrainerProcessor p = start(ctx, publishEachStep);
    assertThat(ctx.scheduledPunctuators().get(0).getInterval())
        .isEqualTo(Duration.ofMillis(TrainerSettings.ASYNC_FORWARD_MS));
    feed(p, samples(8, 6), 0, 8);
    settle(p, ctx);
    assertThat(versions(ctx)).containsExactly(1L, 2L);
  }

  @ParameterizedTest(name = "async {0}")
  @ValueSource(booleans = {false, true})
  void aClosedProcessorInitialisedAgainResumesExactly(boolean async) {
    // Kafka Streams closes the processors of a suspended task and may initialise them again
    TrainerSettings publishEachStep = new TrainerSettings(CONFIG, "java", 1_000, 3, 600_000, 1, 1024, async);
    float[][] xs = samples(22, 7);
    TrainerProcessor first = start(context(), publishEachStep);
    feed(first, xs, 0, 10);
    first.inspect(t -> null);
    // as if versions 1 and 2 had been trained but never forwarded: the replay forwards them
    checkpoints.delete(CheckpointStore.PUBLISHED);
    TrainerProcessor p = start(context(), publishEachStep);
    p.close();
    MockProcessorContext<String, ModelChunk> ctx = context();
    p.init(ctx);
    feed(p, xs, 10, 22);
    settle(p, ctx);
    assertThat(p.inspect(OnlineTrainer::checkpoint)).isEqualTo(reference(xs).checkpoint());
    assertThat(versions(ctx)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }
}
