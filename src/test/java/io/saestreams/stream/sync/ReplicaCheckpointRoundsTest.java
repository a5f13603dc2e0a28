package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.metrics.NoopMetricsSink;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code train.sync.checkpoint.rounds}: a replica that checkpoints every few round ends, stopped
 * after any record (every record boundary is a possible commit) and started again on the same
 * stores, trains the rounds since its checkpoint again, ending each at the samples it had (also
 * rounds ended by the clock), takes the same averages from the versions the global store keeps,
 * contributes nothing twice, and goes on to contribute exactly what a replica that never stopped
 * contributes.
 */
@Timeout(120)
class ReplicaCheckpointRoundsTest {
  private static final int D = 6;
  private static final int BATCH = 4;
  private static final int SYNC_STEPS = 2;
  private static final int ROUND = SYNC_STEPS * BATCH;
  private static final long MAX_WAIT_MS = 1_000;
  private static final int SAMPLES = 13 * ROUND + 3;
  private static final String MODELS = "models";
  private static final TrainerConfig CONFIG =
      TrainerConfig.defaults(SaeConfig.builder(D, 10).build()).withBatchSize(BATCH).withSeed(7);
  /** On the stream thread; checkpoints inside rounds longer than this many steps, never by the clock here. */
  private static TrainerSettings settings(int checkpointIntervalSteps) {
    return new TrainerSettings(CONFIG, "java", 600_000, checkpointIntervalSteps, 600_000_000L, 1_000, 1024, false);
  }

  private final Map<InputRef, float[]> inputTopic = new HashMap<>();
  private final SampleFetcher.Factory fetchers = MapSampleFetchers.of(inputTopic);
  private final List<ReplicaProcessor> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(ReplicaProcessor::close);
  }

  private static final class CountingSink extends NoopMetricsSink {
    int checkpoints;
    long missing;

    @Override
    public void replayed(long samples, long missing) {
      this.missing += missing;
    }

    @Override
    public void checkpoint(long bytes, long epochMillis) {
      checkpoints++;
    }
  }

  /**
   * One replica's stores and the global model store, kept across its restarts, and the average
   * of every round it contributed, published as the aggregator would (with one replica: its
   * contribution moved by a fixed offset), the store keeping the newest {@code kept} versions.
   */
  private final class Group {
    final int checkpointRounds;
    final int overlapSteps;
    final int kept;
    final int intervalSteps;
    final ReplicaStores stores = new ReplicaStores(MODELS);
    /** Every contribution forwarded, by round, in order; a round contributed twice fails. */
    final Map<Long, byte[]> contributions = new LinkedHashMap<>();
    final CountingSink metrics = new CountingSink();
    MockProcessorContext<String, SyncChunk> ctx;
    ReplicaProcessor replica;
    long now;

    Group(int checkpointRounds, int overlapSteps, int kept, int intervalSteps) {
      this.intervalSteps = intervalSteps;
      this.checkpointRounds = checkpointRounds;
      this.overlapSteps = overlapSteps;
      this.kept = kept;
    }

    /** Starts the replica (again) on the kept stores. */
    void start() {
      ctx = stores.context(now);
      replica = new ReplicaProcessor(settings(intervalSteps), SYNC_STEPS, overlapSteps, MAX_WAIT_MS, checkpointRounds, 1, MODELS,
          metrics, fetchers, null);
      started.add(replica);
      replica.init(ctx);
    }

    void feed(float[] x, int i) {
      InputRef ref = new InputRef(0, i);
      inputTopic.put(ref, x.clone());
      replica.process(new Record<>("k" + i, new TrainingSample("id" + i, i, x, ref), now));
      publishNew();
    }

    /** The wall clock moves past train.sync.max.wait.ms: an open round ends by the clock. */
    void age() {
      now += MAX_WAIT_MS;
      ctx.setCurrentSystemTimeMs(now);
      ctx.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
      publishNew();
    }

    private void publishNew() {
      List<Long> rounds = ctx.forwarded().stream().map(f -> f.record().value().round()).distinct().sorted().toList();
      Map<Long, byte[]> byRound = new LinkedHashMap<>();
      for (long round : rounds) {
        byRound.put(round, ReplicaStores.contribution(ctx, round));
      }
      ctx.resetForwards();
      for (Map.Entry<Long, byte[]> e : byRound.entrySet()) {
        long round = e.getKey();
        assertThat(contributions).as("round %d contributed once", round).doesNotContainKey(round);
        byte[] bytes = e.getValue();
        contributions.put(round, bytes);
        publish(ReplicaStores.someAverage(bytes), round + 1);
      }
    }

    void publish(SaeParameters params, long version) {
      byte[] model = SaeModel.of(CONFIG.model(), params, version).toBytes();
      KeyValueStore<String, byte[]> models = stores.models;
      models.put(ModelStoreLayout.versionKey(version), model);
      if (version - kept >= 1) {
        models.delete(ModelStoreLayout.versionKey(version - kept));
      }
      models.put(ModelStoreLayout.LATEST_MODEL, model);
      models.put(ModelStoreLayout.LATEST_VERSION, ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }
  }

  /** Records after which the clock passes the round's wait (some rounds end by the clock). */
  private static Set<Integer> agedAfter(long seed) {
    Random rnd = new Random(seed);
    Set<Integer> aged = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      aged.add(rnd.nextInt(SAMPLES));
    }
    return aged;
  }

  private Group run(int checkpointRounds, int overlapSteps, int intervalSteps, float[][] xs, Set<Integer> aged,
      int stopAfter) {
    Group g = new Group(checkpointRounds, overlapSteps, checkpointRounds, intervalSteps);
    g.start();
    for (int i = 0; i < xs.length; i++) {
      g.feed(xs[i], i);
      if (aged.contains(i)) {
        g.age();
      }
      if (i == stopAfter) {
        g.start();
      }
    }
    return g;
  }

  static Stream<Arguments> schedules() {
    List<Arguments> out = new ArrayList<>();
    Random rnd = new Random(2026);
    for (int checkpointRounds : new int[] {1, 3, 4}) {
      for (int overlapSteps : new int[] {0, 1, 2}) {
        for (int intervalSteps : new int[] {1_000, 3, 1}) {
          for (int k = 0; k < 2; k++) {
            out.add(Arguments.of(checkpointRounds, overlapSteps, intervalSteps, rnd.nextInt(SAMPLES - ROUND) + ROUND,
                rnd.nextLong()));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "checkpoint rounds {0}, overlap steps {1}, checkpoint interval {2} steps, stopped after"
      + " record {3}")
  @MethodSource("schedules")
  void aReplicaStoppedAnywhereContributesWhatAnUninterruptedOneDoes(int checkpointRounds, int overlapSteps,
      int intervalSteps, int stopAfter, long seed) {
    float[][] xs = GaussianRows.of(SAMPLES, D, seed);
    Set<Integer> aged = agedAfter(seed);
    Group once = run(checkpointRounds, overlapSteps, intervalSteps, xs, aged, -1);
    Group again = run(checkpointRounds, overlapSteps, intervalSteps, xs, aged, stopAfter);

    assertThat(once.contributions).hasSizeGreaterThanOrEqualTo(12);
    assertThat(again.contributions.keySet()).containsExactlyElementsOf(once.contributions.keySet());
    for (long r : once.contributions.keySet()) {
      assertThat(again.contributions.get(r)).as("contribution to round %d, bit for bit", r)
          .isEqualTo(once.contributions.get(r));
    }
    int rounds = once.contributions.size();
    if (intervalSteps > SYNC_STEPS) {
      // rounds shorter than the interval are not checkpointed inside: one checkpoint every
      // checkpointRounds round ends, whatever the steps since the last
      assertThat(once.metrics.checkpoints).isBetween(rounds / checkpointRounds - 1, rounds / checkpointRounds);
    } else if (overlapSteps == 0) {
      // a round of SYNC_STEPS steps is longer than the interval: checkpoints inside it too (with
      // overlapped rounds none is taken before the late average, which may come at the round's end)
      assertThat(once.metrics.checkpoints).isGreaterThan(rounds / checkpointRounds + rounds / 2);
    }
  }

  @Test
  void aReplicaRestartedWithFewerVersionsKeptThanItNeedsSaysWhatToDo() {
    float[][] xs = GaussianRows.of(4 * ROUND, D, 3);
    Group g = new Group(4, 1, 1, 1_000);
    g.start();
    for (int i = 0; i < 3 * ROUND + 1; i++) {
      g.feed(xs[i], i);
    }
    assertThat(g.replica.savedState().ends()).containsExactly((long) ROUND, (long) ROUND, (long) ROUND);
    g.start();
    int next = 3 * ROUND + 1;
    assertThatThrownBy(() -> g.feed(xs[next], next))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("train.sync.checkpoint.rounds")
        .hasMessageContaining("needs model version 1");
  }

  @Test
  void samplesGoneFromTheInputTopicStallNoRoundTrainedAgain() {
    float[][] xs = GaussianRows.of(7 * ROUND, D, 4);
    Group g = new Group(4, 1, 4, 1_000);
    g.start();
    int stop = 3 * ROUND + 2;
    for (int i = 0; i < stop; i++) {
      g.feed(xs[i], i);
    }
    assertThat(g.contributions.keySet()).containsExactly(0L, 1L, 2L);
    // retention removed two samples of the rounds to train again
    inputTopic.remove(new InputRef(0, 3));
    inputTopic.remove(new InputRef(0, ROUND + 1));
    g.start();
    assertThat(g.metrics.missing).isEqualTo(2);
    // the partition is idle: the rounds short of their samples end by the clock
    for (int k = 0; k < 4; k++) {
      g.age();
    }
    for (int i = stop; i < xs.length; i++) {
      g.feed(xs[i], i);
    }
    // nothing contributed twice (the harness fails on that), and the rounds go on after the restart
    assertThat(g.contributions.keySet()).contains(3L, 4L);
  }
}
