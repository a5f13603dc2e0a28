package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.training.MapSampleFetchers;
import io.saestreams.stream.training.SampleFetcher;
import io.saestreams.stream.training.TrainerSettings;
import io.saestreams.stream.training.TrainingSample;
import io.saestreams.train.GaussianRows;
import io.saestreams.train.TrainerConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica stopped while late for an average (overlapped rounds) and started again on the same
 * stores: it finds what it contributed in its round-end checkpoint, takes the late average at the
 * same sample and contributes the next round exactly as a replica that never stopped; started with
 * synchronous rounds instead, it refuses, naming the key.
 */
@Timeout(60)
class ReplicaRestartTest {
  private static final int D = 6;
  private static final int BATCH = 4;
  /** train.sync.steps 2: a round is 8 samples. */
  private static final int SYNC_STEPS = 2;
  private static final int ROUND = SYNC_STEPS * BATCH;
  private static final String MODELS = "models";
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 10).build()).withBatchSize(BATCH).withSeed(99);
  /** On the stream thread; no checkpoint inside a round, no idle flush in this test's time. */
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(CONFIG, "java", 600_000, 1_000, 600_000, 1_000, 1024, false);

  private final Map<InputRef, float[]> inputTopic = new HashMap<>();
  private final SampleFetcher.Factory fetchers = MapSampleFetchers.of(inputTopic);
  private final List<ReplicaProcessor> started = new ArrayList<>();

  /** One replica's stores, kept across its restarts, and versions published to its global store. */
  private static final class Replica {
    final ReplicaStores stores = new ReplicaStores(MODELS);

    MockProcessorContext<String, SyncChunk> context() {
      return stores.context(0);
    }

    /** Publishes {@code params} as model version {@code version}, as the global store holds it. */
    void publish(SaeParameters params, long version) {
      stores.models.put(ModelStoreLayout.LATEST_MODEL, SaeModel.of(CONFIG.model(), params, version).toBytes());
      stores.models.put(ModelStoreLayout.LATEST_VERSION, ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }
  }

  @AfterEach
  void stop() {
    started.forEach(ReplicaProcessor::close);
  }

  private ReplicaProcessor start(MockProcessorContext<String, SyncChunk> ctx, int overlapSteps) {
    ReplicaProcessor p = new ReplicaProcessor(SETTINGS, SYNC_STEPS, overlapSteps, 600_000, 1, 1, MODELS,
        SaeMetricsSink.NOOP, fetchers, null);
    started.add(p);
    p.init(ctx);
    return p;
  }

  private void feed(ReplicaProcessor p, float[][] xs, int from, int to) {
    for (int i = from; i < to; i++) {
      InputRef ref = new InputRef(0, i);
      inputTopic.put(ref, xs[i].clone());
      p.process(new Record<>("k" + i, new TrainingSample("id" + i, i, xs[i], ref), i));
    }
  }

  @Test
  void aReplicaRestartedWhileLateTakesTheAverageWithItsAnchorAsIfItHadNotStopped() {
    float[][] xs = GaussianRows.of(2 * ROUND, D, 5);

    // never stopped
    Replica a = new Replica();
    MockProcessorContext<String, SyncChunk> ctxA = a.context();
    ReplicaProcessor once = start(ctxA, 1);
    feed(once, xs, 0, ROUND);
    byte[] round0 = ReplicaStores.contribution(ctxA, 0);
    assertThat(round0).isNotEmpty();
    assertThat(once.roundState()).isEqualTo(new RoundState(1, false, 0, true));
    SaeParameters average = ReplicaStores.someAverage(round0);
    a.publish(average, 1);
    feed(once, xs, ROUND, 2 * ROUND);
    byte[] expected = ReplicaStores.contribution(ctxA, 1);
    assertThat(expected).isNotEmpty();

    // stopped right after contributing round 0, late for its average, and started again
    Replica b = new Replica();
    MockProcessorContext<String, SyncChunk> ctxB = b.context();
    ReplicaProcessor first = start(ctxB, 1);
    feed(first, xs, 0, ROUND);
    assertThat(ReplicaStores.contribution(ctxB, 0)).isEqualTo(round0);
    b.publish(average, 1);
    MockProcessorContext<String, SyncChunk> ctxB2 = b.context();
    ReplicaProcessor again = start(ctxB2, 1);
    assertThat(again.roundState()).isEqualTo(new RoundState(1, false, 0, true));
    feed(again, xs, ROUND, 2 * ROUND);
    assertThat(ReplicaStores.contribution(ctxB2, 1)).isEqualTo(expected);

    // the late average made a difference: without it round 1 would have been another contribution
    Replica c = new Replica();
    MockProcessorContext<String, SyncChunk> ctxC = c.context();
    ReplicaProcessor alone = start(ctxC, 1);
    feed(alone, xs, 0, ROUND);
    c.publish(SaeModel.fromBytes(round0).parameters(), 1);
    feed(alone, xs, ROUND, 2 * ROUND);
    assertThat(ReplicaStores.contribution(ctxC, 1)).isNotEqualTo(expected);
  }

  @Test
  void aReplicaStoppedLateRefusesToRestartWithSynchronousRounds() {
    float[][] xs = GaussianRows.of(ROUND, D, 6);
    Replica s = new Replica();
    ReplicaProcessor first = start(s.context(), 1);
    feed(first, xs, 0, ROUND);
    assertThatThrownBy(() -> start(s.context(), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late for the average of round 0")
        .hasMessageContaining("train.sync.overlap.steps=0");
  }
}
