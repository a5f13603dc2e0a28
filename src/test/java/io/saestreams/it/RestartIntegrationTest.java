package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.metrics.NoopMetricsSink;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.training.TrainerProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the application in the middle of the stream and starts a new instance with the same
 * application id, under exactly_once_v2: once cleanly on the same state directory, once after a
 * crash in the middle of a transaction on an empty state directory (so that the trainer's
 * checkpoint and replay stores come back from their changelogs).
 *
 * <p>The model publishes every training step, and its version is the step count, so the model
 * topic is a ledger of training: 960 inputs in batches of 32, no partial batch (the idle flush is
 * pushed out of reach), must give versions 1, 2, ..., 30 — each exactly once, in order. Training
 * restarted from scratch would publish 1, 2, ... again; lost samples would end below 30;
 * samples trained twice (a replay overlapping the checkpoint, or reprocessed input) would end
 * above 30 or repeat a version. And, for the outputs, every input has exactly one code and one
 * score in what transactions committed.
 */
class RestartIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(RestartIntegrationTest.class);
  private static final int TOTAL = 960;
  /** 17 batches and a half: the last checkpoint (step 15) is followed by samples to replay. */
  private static final int PART_ONE = 560;
  private static final long FINAL_VERSION = TOTAL / AppUnderTest.BATCH;
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Key of the checkpoint's metadata entry in the trainer's checkpoint store (see CheckpointStore). */
  private static final String CHECKPOINT_META_KEY = "meta";

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  private static AppUnderTest app(String name) {
    return AppUnderTest.create(EMBEDDED.cluster(), name, 3, Map.of(
        AppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2",
        AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, 1,
        AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, 5,
        AppConfig.TRAIN_BATCH_MAX_WAIT_MS_CONFIG, 3_600_000L,
        AppConfig.TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG, 3_600_000L,
        // a transaction left open by a crashed instance is aborted by the broker this soon
        "streams.producer.transaction.timeout.ms", 5_000));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cleanCloseMidStreamThenNewInstanceOnTheSameStateDirectoryResumesTraining(@TempDir Path stateDir) {
    try (AppUnderTest app = app("restart-same-dir");
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 7L, "same");
      List<InputVector> all = source.next(TOTAL);
      producer.sendAll(all.subList(0, PART_ONE));

      KafkaStreams first = app.start(stateDir);
      // all of part one trained: checkpoint at step 15, steps 16 and 17 and 16 buffered samples to replay
      awaitProgress(app, out, PART_ONE / AppUnderTest.BATCH);
      AppUnderTest.stop(first);
      List<Long> before = OutputChecks.assertCompleteVersions(out.model.readToEnd(WAIT));

      producer.sendAll(all.subList(PART_ONE, TOTAL));
      ReplayCount replay = new ReplayCount();
      KafkaStreams second = app.start(stateDir, replay);
      assertResumed(app, second, out, all, before);
      replay.assertNothingMissing();
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void crashMidTransactionThenNewInstanceOnAnEmptyStateDirectoryRestoresFromChangelogs(
      @TempDir Path crashedDir, @TempDir Path emptyDir) {
    try (AppUnderTest app = app("restart-crash");
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 11L, "crash");
      List<InputVector> all = source.next(TOTAL);
      FaultInjectingMetrics faults = new FaultInjectingMetrics();
      KafkaStreams first = app.start(crashedDir, faults);
      producer.sendAll(all.subList(0, PART_ONE));
      awaitProgress(app, out, 6);

      // the 40th of the next 100 records kills the stream thread with a transaction open
      int crashBatch = 100;
      faults.failOnRecord(40);
      producer.sendAll(all.subList(PART_ONE, PART_ONE + crashBatch));
      Poll.until(WAIT, "the instance to die of the injected fault", () -> first.state() == KafkaStreams.State.ERROR);
      assertThat(app.uncaughtExceptions()).singleElement()
          .satisfies(e -> assertThat(e).hasRootCauseInstanceOf(FaultInjectingMetrics.InjectedFault.class));
      AppUnderTest.stop(first);
      List<Long> before = OutputChecks.assertCompleteVersions(out.model.readToEnd(WAIT));

      producer.sendAll(all.subList(PART_ONE + crashBatch, TOTAL));
      assertThat(emptyDir).isEmptyDirectory();
      ReplayCount replay = new ReplayCount();
      KafkaStreams second = app.start(emptyDir, replay);
      assertResumed(app, second, out, all, before);
      replay.assertNothingMissing();
      assertThat(app.uncaughtExceptions()).as("only the injected fault").hasSize(1);
    }
  }

  /** Waits for outputs, a committed checkpoint and model version {@code version} (> 5, past the checkpoint). */
  private static void awaitProgress(AppUnderTest app, Outputs out, long version) {
    out.scores.readAtLeast(100, WAIT);
    try (TopicReader<String, byte[]> checkpoints = new TopicReader<>(EMBEDDED.cluster(),
        app.changelog(TrainerProcessor.CHECKPOINT_STORE), new StringDeserializer(), new ByteArrayDeserializer())) {
      checkpoints.readUntil(WAIT, "a committed trainer checkpoint",
          r -> r.stream().anyMatch(c -> CHECKPOINT_META_KEY.equals(c.key()) && c.value() != null));
    }
    out.model.readUntil(WAIT, "model version " + version,
        r -> r.stream().anyMatch(c -> c.value().getModelVersion() >= version));
  }

  private static void assertResumed(
      AppUnderTest app, KafkaStreams second, Outputs out, List<InputVector> all, List<Long> before) {
    assertThat(before).as("versions published before the restart").isNotEmpty();
    out.awaitCodesAndScores(OutputChecks.ids(all), WAIT);
    // all input consumed, so every training sample is in the training topic; then all of those
    // trained: everything the trainer will publish for this input is committed
    EMBEDDED.cluster().awaitCaughtUp(app.applicationId(), List.of(app.config().inputTopic()), WAIT);
    EMBEDDED.cluster().awaitCaughtUp(app.applicationId(), List.of(app.trainingTopic()), WAIT);
    // the trainer trains on a thread of its own: its last version comes after the training topic
    // is consumed
    long started = System.nanoTime();
    out.model.readUntil(WAIT, "model version " + FINAL_VERSION,
        r -> r.stream().anyMatch(c -> c.value().getModelVersion() >= FINAL_VERSION));
    LOG.info("last version {} ms after the training topic was consumed", (System.nanoTime() - started) / 1_000_000);
    out.settle(EMBEDDED.cluster(), app, WAIT);

    OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());
    List<Long> versions = OutputChecks.assertCompleteVersions(out.model.records());
    List<Long> after = new ArrayList<>(versions.subList(Math.min(before.size(), versions.size()), versions.size()));
    LOG.info("model versions before the restart {}, after {}", before, after);
    assertThat(versions.subList(0, before.size())).as("versions before the restart, read again").isEqualTo(before);
    assertThat(after).as("versions published after the restart").isNotEmpty();
    assertThat(after.get(0)).as("first version after the restart: one step past the last before")
        .isEqualTo(before.get(before.size() - 1) + 1);
    assertThat(versions).as("every training step published exactly once")
        .isEqualTo(LongStream.rangeClosed(1, FINAL_VERSION).boxed().toList());
    assertThat(out.dlq.records()).isEmpty();
    assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  /** What the restarted trainer replayed: every sample it read back from the input topic was there. */
  private static final class ReplayCount extends NoopMetricsSink {
    private final AtomicLong samples = new AtomicLong(-1);
    private final AtomicLong missing = new AtomicLong(-1);

    @Override
    public void replayed(long replayed, long gone) {
      samples.set(replayed);
      missing.set(gone);
    }

    void assertNothingMissing() {
      LOG.info("the restarted trainer replayed {} samples from the input topic", samples.get());
      assertThat(samples.get()).as("the trainer reported its replay").isNotNegative();
      assertThat(missing.get()).as("replay samples no longer in the input topic").isZero();
    }
  }
}
