package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.ModelChunk;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restart behaviour of the trainer: a processor that stops (crashes) and a new one started on the
 * same stores must end bit-identical to a trainer that never stopped.
 */
@Timeout(60)
class TrainerProcessorTest {
  private static final int D = 6;
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 10).build()).withBatchSize(4).withSeed(99);
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(CONFIG, "java", 1_000, 2, 600_000, 1_000, 1024);

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
  private final SampleFetcher.Factory fetchers = configs -> new SampleFetcher() {
    @Override
    public List<float[]> fetch(List<InputRef> refs) {
      return refs.stream().map(inputTopic::get).toList();
    }

    @Override
    public void close() {}
  };

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

  private TrainerProcessor start(MockProcessorContext<String, ModelChunk> ctx) {
    TrainerProcessor p = new TrainerProcessor(SETTINGS, SaeMetricsSink.NOOP, fetchers);
    p.init(ctx);
    return p;
  }

  private static float[][] samples(int n, long seed) {
    Random r = new Random(seed);
    float[][] xs = new float[n][D];
    for (float[] x : xs) {
      for (int i = 0; i < D; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return xs;
  }

  /** Sample i comes from offset i of input partition i % 2; the topic keeps a copy. */
  private void feed(TrainerProcessor p, float[][] xs, int from, int to) {
    for (int i = from; i < to; i++) {
      InputRef ref = new InputRef(i % 2, i);
      inputTopic.put(ref, xs[i].clone());
      p.process(new Record<>("k" + i, new TrainingSample("id" + i, i, xs[i], ref), i));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 7, 8, 13, 15})
  void restartResumesExactly(int crashAfter) {
    float[][] xs = samples(23, crashAfter);
    TrainerProcessor first = start(context());
    feed(first, xs, 0, crashAfter);
    TrainerProcessor second = start(context());
    assertThat(second.trainer().steps()).isEqualTo(crashAfter / 4);
    assertThat(second.trainer().buffered()).isEqualTo(crashAfter % 4);
    feed(second, xs, crashAfter, xs.length);

    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (float[] x : xs) {
      reference.accept(x);
    }
    assertThat(second.trainer().checkpoint()).isEqualTo(reference.checkpoint());
  }

  @Test
  void checkpointsEveryNStepsAndKeepsOnlyLaterSamplesForReplay() {
    float[][] xs = samples(10, 1);
    TrainerProcessor p = start(context());
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
  void flushedPartialBatchIsCheckpointedSoRestartStaysExact() {
    float[][] xs = samples(12, 2);
    MockProcessorContext<String, ModelChunk> ctx = context();
    ctx.setCurrentSystemTimeMs(0);
    TrainerProcessor first = start(ctx);
    feed(first, xs, 0, 3);
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(999);
    assertThat(first.trainer().steps()).as("not idle long enough").isZero();
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
    assertThat(first.trainer().steps()).isEqualTo(1);
    assertThat(ctx.forwarded()).isNotEmpty()
        .allSatisfy(f -> assertThat(f.record().value().getModelVersion()).isEqualTo(1));
    feed(first, xs, 3, 5);

    TrainerProcessor second = start(context());
    assertThat(second.trainer().steps()).isEqualTo(1);
    assertThat(second.trainer().buffered()).isEqualTo(2);
    feed(second, xs, 5, 12);

    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (int i = 0; i < 3; i++) {
      reference.accept(xs[i]);
    }
    reference.flush();
    for (int i = 3; i < 12; i++) {
      reference.accept(xs[i]);
    }
    assertThat(second.trainer().checkpoint()).isEqualTo(reference.checkpoint());
  }

  @Test
  void publishedVersionsIncreaseAcrossRestarts() {
    TrainerSettings publishEachStep = new TrainerSettings(CONFIG, "java", 1_000, 3, 600_000, 1, 1024);
    float[][] xs = samples(16, 3);
    MockProcessorContext<String, ModelChunk> ctx1 = context();
    TrainerProcessor first = new TrainerProcessor(publishEachStep, SaeMetricsSink.NOOP, fetchers);
    first.init(ctx1);
    feed(first, xs, 0, 8);
    MockProcessorContext<String, ModelChunk> ctx2 = context();
    TrainerProcessor second = new TrainerProcessor(publishEachStep, SaeMetricsSink.NOOP, fetchers);
    second.init(ctx2);
    feed(second, xs, 8, 16);
    assertThat(ctx1.forwarded()).extracting(f -> f.record().value().getModelVersion()).containsOnly(1L, 2L);
    assertThat(ctx2.forwarded()).extracting(f -> f.record().value().getModelVersion()).containsOnly(3L, 4L);
  }

  @Test
  void samplesWithoutSourceAreKeptWholeAndStillResumeExactly() {
    float[][] xs = samples(11, 4);
    TrainerProcessor first = start(context());
    for (int i = 0; i < 11; i++) {
      first.process(new Record<>("k" + i, new TrainingSample("id" + i, i, xs[i], null), i));
    }
    inputTopic.clear();
    TrainerProcessor second = start(context());
    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (float[] x : xs) {
      reference.accept(x);
    }
    assertThat(second.trainer().checkpoint()).isEqualTo(reference.checkpoint());
  }

  @Test
  void replayedSamplesGoneFromTheInputTopicAreSkipped() {
    float[][] xs = samples(15, 5);
    TrainerProcessor first = start(context());
    feed(first, xs, 0, 15);
    // checkpoint after sample 8; samples 8..14 replay; 9 and 12 have been deleted from the topic
    inputTopic.remove(new InputRef(1, 9));
    inputTopic.remove(new InputRef(0, 12));
    TrainerProcessor second = start(context());
    OnlineTrainer reference = new OnlineTrainer(CONFIG, Gemms.create("java"));
    for (int i = 0; i < 15; i++) {
      if (i != 9 && i != 12) {
        reference.accept(xs[i]);
      }
    }
    assertThat(second.trainer().steps()).isEqualTo(3);
    assertThat(second.trainer().buffered()).isEqualTo(1);
    assertThat(second.trainer().checkpoint()).isEqualTo(reference.checkpoint());
  }
}
