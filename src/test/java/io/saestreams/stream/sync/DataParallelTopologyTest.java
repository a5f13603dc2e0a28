package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeDriver;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.train.OnlineTrainer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training through the whole topology ({@code TopologyTestDriver}: one input
 * partition, so one replica): a full round, its average published as a version and taken by the
 * replica and the scorers, a round ended by the clock with a partial batch, and an idle round;
 * with synchronous rounds, and the schedule of overlapped ones.
 * Restarts and crashes are in {@code DataParallelIntegrationTest}, on a real broker.
 */
@Timeout(60)
class DataParallelTopologyTest {
  private static final int D = 16;
  /** train.sync.steps 2 × train.batch.size 4. */
  private static final int ROUND = 8;
  private static final long MAX_WAIT_MS = 2_000;
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @TempDir Path stateDir;
  private SaeDriver sae;

  @BeforeAll
  static void startRegistry() {
    registry = new EmbeddedSchemaRegistry().start();
    client = SchemaRegistryClient.create(registry.url());
  }

  @AfterAll
  static void stopRegistry() {
    client.close();
    registry.close();
  }

  @AfterEach
  void closeDriver() {
    if (sae != null) {
      sae.close();
    }
  }

  private SaeDriver open() {
    return open(false, 0);
  }

  private SaeDriver open(boolean normalise, int overlapSteps) {
    Map<String, Object> s = SaeDriver.settings(registry.url());
    s.put(AppConfig.TRAIN_SYNC_OVERLAP_STEPS_CONFIG, overlapSteps);
    s.put(AppConfig.TRAIN_NORMALISE_INPUT_CONFIG, normalise);
    s.put(AppConfig.TRAIN_MODE_CONFIG, "data-parallel");
    s.put(AppConfig.TRAIN_SYNC_STEPS_CONFIG, 2);
    s.put(AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG, 1);
    s.put(AppConfig.TRAIN_SYNC_MAX_WAIT_MS_CONFIG, MAX_WAIT_MS);
    s.put(AppConfig.TRAIN_SKIP_ANOMALIES_CONFIG, false);
    sae = new SaeDriver(s, client, stateDir);
    return sae;
  }

  private static float[][] vectors(int count, long seed) {
    Random r = new Random(seed);
    float[][] xs = new float[count][D];
    for (float[] x : xs) {
      for (int i = 0; i < D; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return xs;
  }

  /** The versions on the model topic since the last call, reassembled, by version. */
  private Map<Long, SaeModel> publishedVersions() {
    Map<Long, List<byte[]>> parts = new LinkedHashMap<>();
    for (TestRecord<String, ModelChunk> r : sae.model.readRecordsToList()) {
      ModelChunk c = r.value();
      ByteBuffer b = c.getPayload().duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      parts.computeIfAbsent(c.getModelVersion(), v -> new ArrayList<>()).add(bytes);
    }
    Map<Long, SaeModel> out = new LinkedHashMap<>();
    parts.forEach((v, p) -> out.put(v, SaeModel.fromBytes(Chunks.join(p))));
    return out;
  }

  private static void assertSameParameters(SaeParameters a, SaeParameters b) {
    float[][] x = a.tensors();
    float[][] y = b.tensors();
    for (int t = 0; t < x.length; t++) {
      assertThat(x[t]).as("tensor %d", t).containsExactly(y[t]);
    }
  }

  @Test
  void aFullRoundIsAveragedPublishedAndTakenByReplicaAndScorers() {
    open();
    float[][] xs = vectors(ROUND + 1, 5);
    for (int i = 0; i < ROUND - 1; i++) {
      sae.send("s" + i, xs[i]);
    }
    assertThat(sae.model.isEmpty()).isTrue();
    sae.send("s" + (ROUND - 1), xs[ROUND - 1]);

    Map<Long, SaeModel> versions = publishedVersions();
    assertThat(versions.keySet()).containsExactly(1L);
    // one replica: the average of round 0 is that replica after its 2 steps on the 8 samples
    OnlineTrainer reference = OnlineTrainer.replica(sae.config.trainerConfig(), Gemms.create("java"), 0);
    for (int i = 0; i < ROUND; i++) {
      reference.accept(xs[i]);
    }
    assertThat(reference.steps()).isEqualTo(2);
    assertSameParameters(versions.get(1L).parameters(), reference.parameters());
    assertThat(sae.metrics.syncAggregated).containsExactly("1/1");
    assertThat(sae.metrics.versions).contains("trainer=1");

    // synchronous rounds: the replica's training waits from the round's end to the average's
    // adoption, at the next punctuation
    sae.driver.advanceWallClockTime(Duration.ofMillis(300));
    assertThat(sae.metrics.syncWaits).containsExactly(300L);
    sae.send("next", xs[ROUND]);
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    assertThat(scores).hasSize(ROUND + 1);
    assertThat(scores.get(ROUND).getModelVersion()).isEqualTo(1);
    // the replica took the average (the divergence metric says so) and trains round 1 from it
    assertThat(sae.metrics.syncRounds).containsExactly(0);
  }

  /**
   * With input normalisation the contribution carries the replica's statistics and the average
   * their merge; the replica takes it back with the parameters, so that two rounds are the
   * replica trained on all 16 samples, statistics included.
   */
  @Test
  void withInputNormalisationTheAveragesCarryTheStatisticsAndTheReplicaTakesThem() {
    open(true, 0);
    float[][] xs = vectors(2 * ROUND, 6);
    for (int i = 0; i < xs.length; i++) {
      xs[i][0] += 5f; // an offset for the statistics to find
    }
    OnlineTrainer reference = OnlineTrainer.replica(sae.config.trainerConfig(), Gemms.create("java"), 0);
    assertThat(reference.normaliser()).isNotNull();
    for (int i = 0; i < ROUND; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    SaeModel v1 = publishedVersions().get(1L);
    assertThat(v1.normaliser()).isEqualTo(reference.normaliser());
    assertThat(v1.normaliser().count()).isEqualTo(ROUND);
    assertSameParameters(v1.parameters(), reference.parameters());
    for (int i = ROUND; i < 2 * ROUND; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    SaeModel v2 = publishedVersions().get(2L);
    assertThat(v2.normaliser().count()).isEqualTo(2 * ROUND);
    assertThat(v2.normaliser()).isEqualTo(reference.normaliser());
    assertSameParameters(v2.parameters(), reference.parameters());
    assertThat(v2.normaliser().mean()[0]).isGreaterThan(4f);
  }

  @Test
  void theClockEndsARoundWithItsPartialBatchAndAnIdleRoundRepeatsTheAverage() {
    open();
    float[][] xs = vectors(ROUND + 3, 6);
    for (int i = 0; i < ROUND; i++) {
      sae.send("s" + i, xs[i]);
    }
    assertThat(publishedVersions().keySet()).containsExactly(1L);
    sae.send("late0", xs[ROUND]);
    sae.send("late1", xs[ROUND + 1]);
    sae.send("late2", xs[ROUND + 2]);
    assertThat(sae.model.isEmpty()).isTrue();
    sae.driver.advanceWallClockTime(Duration.ofMillis(MAX_WAIT_MS + 100));
    Map<Long, SaeModel> v2 = publishedVersions();
    assertThat(v2.keySet()).containsExactly(2L);
    OnlineTrainer reference = OnlineTrainer.replica(sae.config.trainerConfig(), Gemms.create("java"), 0);
    for (int i = 0; i < ROUND + 3; i++) {
      reference.accept(xs[i]);
    }
    reference.flush();
    assertThat(reference.steps()).isEqualTo(3);
    assertSameParameters(v2.get(2L).parameters(), reference.parameters());
    assertThat(sae.metrics.syncAggregated).containsExactly("1/1", "1/1");

    // nothing arrives: after the wait the replica contributes an empty update, and the average
    // is the same parameters as a new version
    sae.driver.advanceWallClockTime(Duration.ofMillis(200));
    sae.driver.advanceWallClockTime(Duration.ofMillis(MAX_WAIT_MS + 100));
    Map<Long, SaeModel> v3 = publishedVersions();
    assertThat(v3.keySet()).containsExactly(3L);
    assertSameParameters(v3.get(3L).parameters(), reference.parameters());
    assertThat(sae.metrics.syncAggregated).containsExactly("1/1", "1/1", "1/0");
  }

  /**
   * Overlapped rounds ({@code train.sync.overlap.steps=1}, a round of 2 steps): the replica
   * contributes a round and trains on at once; it takes the average after one batch of the next
   * round, and a round the clock ends takes it before its contribution. With one replica each
   * average is the replica's own parameters, so the versions are the single trainer's at the
   * rounds' ends.
   */
  @Test
  void withOverlappedRoundsTheReplicaTrainsOnAndTakesEachAverageAfterItsFirstBatch() {
    open(false, 1);
    int batch = ROUND / 2;
    float[][] xs = vectors(2 * ROUND + 3, 7);
    OnlineTrainer reference = OnlineTrainer.replica(sae.config.trainerConfig(), Gemms.create("java"), 0);
    for (int i = 0; i < ROUND; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    assertSameParameters(publishedVersions().get(1L).parameters(), reference.parameters());
    // round 1: the replica trains on without round 0's average until it has done one batch
    for (int i = ROUND; i < ROUND + batch - 1; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    assertThat(sae.metrics.syncRounds).as("round 0's average not taken yet").isEmpty();
    sae.send("s" + (ROUND + batch - 1), xs[ROUND + batch - 1]);
    reference.accept(xs[ROUND + batch - 1]);
    assertThat(sae.metrics.syncRounds).as("taken after the first batch").containsExactly(0);
    for (int i = ROUND + batch; i < 2 * ROUND; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    Map<Long, SaeModel> v2 = publishedVersions();
    assertThat(v2.keySet()).containsExactly(2L);
    assertSameParameters(v2.get(2L).parameters(), reference.parameters());

    // round 2 ends by the clock after 3 samples, before its first batch: it takes round 1's
    // average first, then trains its partial batch and contributes
    for (int i = 2 * ROUND; i < 2 * ROUND + 3; i++) {
      sae.send("s" + i, xs[i]);
      reference.accept(xs[i]);
    }
    assertThat(sae.metrics.syncRounds).containsExactly(0);
    sae.driver.advanceWallClockTime(Duration.ofMillis(MAX_WAIT_MS + 100));
    reference.flush();
    Map<Long, SaeModel> v3 = publishedVersions();
    assertThat(v3.keySet()).containsExactly(3L);
    assertSameParameters(v3.get(3L).parameters(), reference.parameters());
    assertThat(sae.metrics.syncRounds).containsExactly(0, 0);
    assertThat(sae.metrics.syncWaits).as("each average was there when needed").containsExactly(0L, 0L);
    assertThat(sae.metrics.syncAggregated).containsExactly("1/1", "1/1", "1/1");
  }
}
