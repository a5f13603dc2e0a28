package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.model.InputNormaliser;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.serde.AvroDeserializer;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.sync.ReplicaProcessor;
import io.saestreams.stream.sync.SyncAggregator;
import io.saestreams.stream.sync.SyncContributions;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.ParameterAverage;
import io.saestreams.train.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training ({@code train.mode=data-parallel}) of the packaged application, run as
 * processes of their own against the in-JVM KRaft broker under exactly_once_v2, on a 4-partition
 * input.
 *
 * <p>With {@code train.sync.max.wait.ms} out of reach every round is {@code train.sync.steps} full
 * batches of each partition's samples in offset order, so the model versions are determined by the
 * input alone: the test computes them itself (a replica per partition, averaged every round) and
 * requires the published ones to be exactly those, bit for bit, each once and in order — after
 * {@code kill -9} of each of two instances in turn (so of replica tasks and of the aggregator's
 * task, in the middle of rounds), and after the group shrinks from two instances to one and grows
 * back. A third test leaves a partition idle: the rounds go on, by the wait, and every sample is
 * trained.
 *
 * <p>The crash test runs with synchronous rounds and with overlapped ones ({@code
 * train.sync.overlap.steps}): with 2 a replica takes each average two batches into its next round
 * and checkpoints after that; with 5, the whole round, it is late for an average nearly all the
 * time, so the kills find it late and it restarts from the checkpoint of a round's end. The
 * rebalance runs with the default overlap.
 */
class DataParallelIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(DataParallelIntegrationTest.class);
  private static final int PARTITIONS = 4;
  private static final int TOTAL = 12_000;
  private static final int BATCH = AppUnderTest.BATCH;
  private static final int SYNC_STEPS = 5;
  private static final int ROUND = SYNC_STEPS * BATCH;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration CLEAN_STOP = Duration.ofSeconds(10);

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  @ParameterizedTest(name = "train.sync.overlap.steps={0}, train.state.store={1}, train.sync.checkpoint.rounds={2},"
      + " train.checkpoint.interval.steps={3}")
  @CsvSource({"0, auto, 3, 3", "2, rocksdb, 1, 3", "5, in_memory, 4, 1000"})
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void killingEachOfTwoInstancesMidRoundChangesNoVersion(int overlapSteps, String store, int checkpointRounds,
      int checkpointIntervalSteps, @TempDir Path work) throws Exception {
    // with input normalisation: the merged statistics, kept by the aggregator and taken by the
    // replicas every round, must come back exactly too; the training state restored from the
    // heap's changelogs and from RocksDB's; replicas that train the rounds since a checkpoint some
    // rounds old again, taking the averages the global store keeps
    try (Run run = new Run("dp-kill-" + overlapSteps, work, 3_600_000L, true, overlapSteps, store,
        checkpointRounds, checkpointIntervalSteps)) {
      AppProcess a = run.start("a");
      AppProcess b = run.start("b");
      run.produceInBackground();
      run.awaitVersion(2);
      a.assertAlive();
      a.kill();
      AppProcess a2 = run.start("a");
      run.awaitVersion(run.expectedRounds() / 2);
      if (checkpointRounds == 4 && checkpointIntervalSteps == 1000) {
        // killed after round 1's average, before the first checkpoint (at round 3's end): the
        // restarted replicas train rounds they had ended and contributed again, as they had
        assertThat(a2.output()).as("what the restarted a printed").contains("rounds of them ended before");
      }
      b.assertAlive();
      b.kill();
      AppProcess b2 = run.start("b");
      run.assertExact(List.of(a2, b2));
      assertThat(a2.terminate(CLEAN_STOP)).isZero();
      assertThat(b2.terminate(CLEAN_STOP)).isZero();
    }
  }

  @Test
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void fromTwoInstancesToOneAndBackTrainingGoesOnWithNothingLostOrTrainedTwice(@TempDir Path work)
      throws Exception {
    try (Run run = new Run("dp-rebalance", work, 3_600_000L)) {
      AppProcess a = run.start("a");
      AppProcess b = run.start("b");
      run.produceInBackground();
      run.awaitVersion(2);
      assertThat(b.terminate(CLEAN_STOP)).as("exit code of b after SIGTERM").isZero();
      long alone = run.awaitVersion(run.latestVersion() + 2);
      LOG.info("one instance went on to version {}", alone);
      AppProcess b2 = run.start("b");
      b2.awaitOutput("sae-streams running", WAIT);
      run.assertExact(List.of(a, b2));
      assertThat(a.terminate(CLEAN_STOP)).isZero();
      assertThat(b2.terminate(CLEAN_STOP)).isZero();
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void anIdlePartitionDoesNotStallTheRounds(@TempDir Path work) throws Exception {
    try (Run run = new Run("dp-idle", work, 1_500L)) {
      AppProcess a = run.start("a");
      // partitions 0..2 only
      List<InputVector> inputs = run.inputs.subList(0, 3_000);
      for (int i = 0; i < inputs.size(); i++) {
        run.producer.send(inputs.get(i), i % (PARTITIONS - 1));
      }
      run.producer.flush();
      run.out.awaitCodesAndScores(OutputChecks.ids(inputs), WAIT);
      // every sample is trained: a partial round ends by the wait, the idle replica contributes
      // empty updates, and the summed steps of the last version count every batch
      long steps = 3 * (long) Math.ceil(1_000.0 / BATCH);
      run.out.model.readUntil(WAIT, "a version trained on every sample",
          r -> r.stream().anyMatch(c -> c.value().getTrainingSteps() >= steps));
      List<Long> versions = OutputChecks.assertCompleteVersions(run.out.model.records(), AppUnderTest.INPUT_DIM,
          AppUnderTest.LATENT_DIM, run.app.config().syncCheckpointRounds());
      assertThat(versions).as("versions published once each, in order").isSorted().doesNotHaveDuplicates()
          .hasSizeGreaterThanOrEqualTo(1_000 / ROUND);
      a.assertAlive();
      assertThat(a.output()).doesNotContain("Exception in thread");
      // the training state's changelogs roll 16 MiB segments, so that compaction keeps restores short
      for (String store : List.of(ReplicaProcessor.CHECKPOINT_STORE, SyncAggregator.STORE)) {
        ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC,
            run.app.changelog(store));
        Config configs = ItCluster.get(EMBEDDED.cluster().admin().describeConfigs(List.of(changelog)).all())
            .get(changelog);
        assertThat(configs.get(TopicConfig.SEGMENT_BYTES_CONFIG).value()).as(changelog.name())
            .isEqualTo(Integer.toString(16 << 20));
      }
      // the contributions are written once: to the sync topic, which the application created
      // compacted and which is their store's changelog (Kafka Streams makes no other)
      String sync = run.app.config().syncTopic();
      Set<String> topics = ItCluster.get(EMBEDDED.cluster().admin().listTopics().names());
      assertThat(topics).contains(sync).doesNotContain(run.app.changelog(SyncContributions.STORE))
          .noneMatch(t -> t.endsWith("-sync-repartition"));
      ConfigResource syncResource = new ConfigResource(ConfigResource.Type.TOPIC, sync);
      Config syncConfigs = ItCluster.get(EMBEDDED.cluster().admin().describeConfigs(List.of(syncResource)).all())
          .get(syncResource);
      assertThat(syncConfigs.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(a.terminate(CLEAN_STOP)).isZero();
    }
  }

  /** One application id, its topics, and the instances run on it. */
  private static final class Run implements AutoCloseable {
    final AppUnderTest app;
    final Outputs out;
    final InputProducer producer;
    final List<InputVector> inputs;
    final Path work;
    final List<AppProcess> processes = new ArrayList<>();
    CompletableFuture<Void> production = CompletableFuture.completedFuture(null);

    /** train.sync.overlap.steps as the application runs it. */
    final int overlapSteps;

    Run(String name, Path work, long maxWaitMs) throws Exception {
      this(name, work, maxWaitMs, false, null, "auto", 4, 3);
    }

    /**
     * @param overlapSteps train.sync.overlap.steps, or null for the default
     * @param store train.state.store
     */
    Run(String name, Path work, long maxWaitMs, boolean normalise, Integer overlapSteps, String store,
        int checkpointRounds, int checkpointIntervalSteps) throws Exception {
      this.work = work;
      Map<String, Object> settings = new java.util.HashMap<>(Map.ofEntries(
          Map.entry(AppConfig.TRAIN_NORMALISE_INPUT_CONFIG, normalise),
          Map.entry(AppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2"),
          Map.entry(AppConfig.TRAIN_MODE_CONFIG, "data-parallel"),
          Map.entry(AppConfig.TRAIN_SYNC_STEPS_CONFIG, SYNC_STEPS),
          Map.entry(AppConfig.TRAIN_SYNC_MAX_WAIT_MS_CONFIG, maxWaitMs),
          // checkpoints inside rounds too (unless many steps apart): a crash resumes from them
          Map.entry(AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, checkpointIntervalSteps),
          Map.entry(AppConfig.TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG, 3_600_000L),
          // which records are trained on must not depend on the scoring model's timing
          Map.entry(AppConfig.TRAIN_SKIP_ANOMALIES_CONFIG, false),
          Map.entry(AppConfig.MODEL_CHUNK_BYTES_CONFIG, 2048),
          Map.entry(AppConfig.TRAIN_STATE_STORE_CONFIG, store),
          Map.entry(AppConfig.TRAIN_SYNC_CHECKPOINT_ROUNDS_CONFIG, checkpointRounds),
          Map.entry("streams.num.stream.threads", 2),
          Map.entry("streams.producer.transaction.timeout.ms", 10_000)));
      if (overlapSteps != null) {
        settings.put(AppConfig.TRAIN_SYNC_OVERLAP_STEPS_CONFIG, overlapSteps);
      }
      app = AppUnderTest.create(EMBEDDED.cluster(), name, PARTITIONS, settings);
      this.overlapSteps = app.config().syncOverlapSteps();
      // the test reads the model topic's whole history: keep the log cleaner off it meanwhile
      ConfigResource model = new ConfigResource(ConfigResource.Type.TOPIC, app.config().modelTopic());
      ItCluster.get(EMBEDDED.cluster().admin().incrementalAlterConfigs(Map.of(model, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "86400000"), AlterConfigOp.OpType.SET)))).all());
      inputs = new Inputs(AppUnderTest.INPUT_DIM, 2027L, name).next(TOTAL);
      producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
      out = new Outputs(EMBEDDED.cluster(), app.config());
    }

    /** Starts instance {@code name} (its own state directory, kept across its restarts). */
    AppProcess start(String name) throws Exception {
      Path props = app.writeProperties(work.resolve(name + ".properties"), work.resolve("state-" + name),
          Map.of(AppConfig.METRICS_PORT_CONFIG, -1));
      AppProcess p = AppProcess.start(props, work, app.applicationId() + "-" + name + "-" + processes.size());
      processes.add(p);
      return p;
    }

    void produceInBackground() {
      production = CompletableFuture.runAsync(() -> {
        for (int from = 0; from < TOTAL; from += 1_000) {
          producer.sendAll(inputs.subList(from, Math.min(TOTAL, from + 1_000)));
        }
      });
    }

    /** Rounds every partition fills, given how the producer's partitioner spread the input. */
    int expectedRounds() {
      // keyed by id: the default partitioner's spread, read back once production is done
      return (int) (TOTAL / PARTITIONS * 0.8) / ROUND;
    }

    long latestVersion() {
      out.model.readToEnd(WAIT);
      return out.model.records().stream().mapToLong(c -> c.value().getModelVersion()).max().orElse(0);
    }

    long awaitVersion(long version) {
      out.model.readUntil(WAIT, "model version " + version,
          r -> r.stream().anyMatch(c -> c.value().getModelVersion() >= version));
      return latestVersion();
    }

    /** The input in each partition's offset order, read back from the input topic. */
    List<List<float[]>> inputByPartition() {
      List<List<float[]>> parts = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        parts.add(new ArrayList<>());
      }
      try (TopicReader<byte[], InputVector> reader = new TopicReader<>(EMBEDDED.cluster(), app.config().inputTopic(),
          new ByteArrayDeserializer(), AvroDeserializer.specific(EMBEDDED.cluster().registry(), InputVector.class))) {
        reader.readUntil(WAIT, TOTAL + " inputs", r -> r.size() >= TOTAL);
        reader.records().stream()
            .sorted(Comparator.comparingInt(ConsumerRecord<byte[], InputVector>::partition)
                .thenComparingLong(ConsumerRecord::offset))
            .forEach(r -> {
              List<Float> values = r.value().getValues();
              float[] x = new float[values.size()];
              for (int i = 0; i < x.length; i++) {
                x[i] = values.get(i);
              }
              parts.get(r.partition()).add(x);
            });
      }
      return parts;
    }

    /**
     * The versions an uninterrupted group makes: a replica per partition trains {@value #ROUND}
     * samples a round, in offset order; the rounds' averages, as published model bytes. With
     * overlapped rounds a replica takes round r's average after {@code overlapSteps} batches of
     * round r + 1 (at its end if the round has no more), keeping its own update since it
     * contributed.
     */
    static List<byte[]> expectedVersions(TrainerConfig cfg, List<List<float[]>> byPartition, int overlapSteps) {
      int rounds = byPartition.stream().mapToInt(l -> l.size() / ROUND).min().orElseThrow();
      List<OnlineTrainer> replicas = new ArrayList<>();
      for (int p = 0; p < byPartition.size(); p++) {
        replicas.add(OnlineTrainer.replica(cfg, Gemms.create("java"), p));
      }
      long[] weights = new long[replicas.size()];
      java.util.Arrays.fill(weights, ROUND);
      List<byte[]> versions = new ArrayList<>();
      InputNormaliser merged = replicas.get(0).normaliser() == null ? null : replicas.get(0).normaliser().copy();
      SaeParameters[] anchors = new SaeParameters[replicas.size()];
      InputNormaliser[] anchorStatistics = new InputNormaliser[replicas.size()];
      SaeParameters last = null;
      for (int r = 0; r < rounds; r++) {
        List<SaeParameters> params = new ArrayList<>();
        for (int p = 0; p < replicas.size(); p++) {
          OnlineTrainer t = replicas.get(p);
          List<float[]> round = byPartition.get(p).subList(r * ROUND, (r + 1) * ROUND);
          for (int i = 0; i < round.size(); i++) {
            if (last != null && i == overlapSteps * BATCH) {
              t.rebase(anchors[p], last, anchorStatistics[p], merged);
            }
            t.accept(round.get(i));
          }
          if (last != null && overlapSteps * BATCH >= round.size()) {
            t.rebase(anchors[p], last, anchorStatistics[p], merged);
          }
          params.add(t.parameters());
        }
        SaeParameters avg = ParameterAverage.ofRound(cfg.model(), params, weights);
        if (merged != null) {
          merged = InputNormaliser.merge(merged, replicas.stream().map(OnlineTrainer::normaliser).toList());
        }
        InputNormaliser statistics = merged;
        if (overlapSteps == 0) {
          replicas.forEach(t -> t.adopt(avg, statistics));
        } else {
          for (int p = 0; p < replicas.size(); p++) {
            anchors[p] = replicas.get(p).parameters().copy();
            InputNormaliser n = replicas.get(p).normaliser();
            anchorStatistics[p] = n == null ? null : n.copy();
          }
          last = avg;
        }
        versions.add(SaeModel.of(cfg.model(), avg, r + 1, statistics).toBytes());
      }
      return versions;
    }

    /** Every input coded and scored once, and the published versions exactly the expected ones. */
    void assertExact(List<AppProcess> running) throws Exception {
      production.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      out.awaitCodesAndScores(OutputChecks.ids(inputs), WAIT);
      List<byte[]> expected = expectedVersions(
          ParameterAverage.replicaConfig(app.config().trainerConfig(), PARTITIONS, 0), inputByPartition(), overlapSteps);
      LOG.info("{} rounds expected", expected.size());
      assertThat(expected.size()).as("rounds the input fills").isGreaterThanOrEqualTo(5);
      awaitVersion(expected.size());
      out.settle(EMBEDDED.cluster(), app, WAIT);
      running.forEach(AppProcess::assertAlive);
      for (AppProcess p : processes) {
        assertThat(p.output()).as("what %s printed", p.name()).doesNotContain("Exception in thread");
      }
      OutputChecks.assertOneCodeAndScorePerInput(inputs, out.codes.records(), out.scores.records(),
          AppUnderTest.LATENT_DIM, AppUnderTest.K);
      List<Long> versions = OutputChecks.assertCompleteVersions(out.model.records(), AppUnderTest.INPUT_DIM,
          AppUnderTest.LATENT_DIM, app.config().syncCheckpointRounds());
      assertThat(versions).as("every round's average published once, in order")
          .isEqualTo(java.util.stream.LongStream.rangeClosed(1, expected.size()).boxed().toList());
      assertThat(out.dlq.records()).isEmpty();
      for (int v = 1; v <= expected.size(); v++) {
        assertThat(OutputChecks.modelBytes(out.model.records(), v)).as("model version %d, bit for bit", v)
            .isEqualTo(expected.get(v - 1));
      }
    }

    @Override
    public void close() {
      processes.forEach(AppProcess::close);
      production.cancel(true);
      producer.close();
      out.close();
      app.close();
    }
  }
}
