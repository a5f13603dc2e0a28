package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.training.TrainerProcessor;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged application, run as a process of its own ({@code run --config}) against the
 * in-JVM KRaft broker and embedded registry under exactly_once_v2, is stopped three times in the
 * middle of a 30,000-record stream — by {@code kill -9} in one test, by SIGTERM in the other — and
 * restarted each time on the same state directory, with nobody deleting anything in between.
 *
 * <p>Each restart must come up and stay up; at the end every input has exactly one code and one
 * score in what transactions committed, the model versions on the model topic are exactly the due
 * ones (every 5th step), each once and in order, and the final model is bit for bit the one an
 * uninterrupted trainer makes from the same inputs in the same order (computed here, in the test,
 * with the same configuration). One input partition keeps the training order the input order, so
 * that this comparison is exact; no partial batch is ever trained (30,000 is 600 batches of 50, and
 * the idle flush is out of reach), since a partial batch depends on wall-clock timing.
 */
class CrashRecoveryIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIntegrationTest.class);
  private static final int TOTAL = 30_000;
  private static final int BATCH = 50;
  private static final int PUBLISH_EVERY = 5;
  /**
   * Big enough that the global model store writes more than a RocksDB memtable (16 MB) by
   * mid-stream, as a real model does within a version or two: a persistent global store's "open"
   * marker then reaches disk, and a killed process left it corrupt for every restart.
   */
  private static final int INPUT_DIM = 64;
  private static final int LATENT_DIM = 512;
  private static final int K = 8;
  private static final int CHECKPOINT_EVERY = 25;
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** The bound on a clean stop. */
  private static final Duration CLEAN_STOP = Duration.ofSeconds(10);
  private static final Pattern TRAINER_START =
      Pattern.compile("trainer (started|restored) at step (\\d+) after replaying (\\d+) samples");

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  @Test
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void killedThreeTimesItComesBackByItselfAndEndsWhereAnUninterruptedRunEnds(@TempDir Path work) throws Exception {
    try (Run run = new Run("crash-kill", work)) {
      // 1. early: while the input is still being produced, as soon as the first code is committed
      AppProcess first = run.start();
      run.produceInBackground();
      run.out.codes.readAtLeast(1, WAIT);
      first.assertAlive();
      first.kill();

      // 2. mid-stream, once the trainer has checkpointed
      AppProcess second = run.start();
      run.awaitCodedIds(TOTAL / 2);
      run.awaitCheckpointed();
      second.assertAlive();
      second.kill();

      // 3. right after a restart's restore: the trainer has just loaded its checkpoint and replayed
      AppProcess third = run.start();
      third.awaitOutput("trainer restored at step", WAIT);
      third.kill();

      AppProcess last = run.start();
      run.assertComplete(last);
      assertThat(last.terminate(CLEAN_STOP)).as("exit code of a SIGTERM after the run").isZero();
    }
  }

  @Test
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void stoppedThreeTimesBySigtermItExitsZeroWithinTenSecondsAndResumesExactly(@TempDir Path work) throws Exception {
    try (Run run = new Run("crash-term", work)) {
      // 1. while its stream threads are still joining the group and restoring
      AppProcess first = run.start();
      run.produceInBackground();
      first.awaitOutput("sae-streams running", WAIT);
      run.assertCleanStop(first);

      // 2. mid-stream, once the trainer has checkpointed
      AppProcess second = run.start();
      run.awaitCodedIds(TOTAL / 2);
      run.awaitCheckpointed();
      run.assertCleanStop(second);
      long checkpointed = run.lastTrainerStart(second).steps;

      // 3. right after a restart's restore
      AppProcess third = run.start();
      third.awaitOutput("trainer restored at step", WAIT);
      TrainerStart resumed = run.lastTrainerStart(third);
      assertThat(resumed.steps).as("restored at the last checkpoint, not from scratch")
          .isGreaterThanOrEqualTo(checkpointed);
      // what a clean stop leaves to replay: only the samples since the last checkpoint — at most a
      // checkpoint interval of steps, a partial batch, and the batches queued for the training
      // thread when the stop came (1,412 were replayed once, on a loaded machine)
      assertThat(resumed.replayed).as("samples replayed after a clean stop")
          .isLessThan((long) CHECKPOINT_EVERY * BATCH + BATCH + (long) TrainerProcessor.QUEUED_BATCHES * BATCH);
      run.assertCleanStop(third);

      AppProcess last = run.start();
      run.assertComplete(last);
      run.assertCleanStop(last);
    }
  }

  /**
   * Instances of one application share the work, and a SIGTERM comes while the group rebalances
   * because an instance joined: first to the joining instance, then to the one that ran from the
   * start (and the third, newly joined). Each stops cleanly within the bound, and the instance
   * left ends the stream exactly as an uninterrupted run does.
   */
  @Test
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void aSigtermDuringARebalanceStopsCleanlyAndLosesNothing(@TempDir Path work) throws Exception {
    try (Run run = new Run("rebalance-term", work)) {
      Path second = run.instance("second");
      Path third = run.instance("third");
      AppProcess a = run.start();
      run.produceInBackground();
      a.awaitOutput("sae-streams running", WAIT);
      run.awaitCodedIds(TOTAL / 4);

      // 1. the joining instance, while the group rebalances because of it
      AppProcess joining = run.start(second);
      a.awaitOutput("rebalancing: the consumer group changed", WAIT);
      run.assertCleanStop(joining);
      a.awaitOutput("running again after a rebalance", WAIT);

      // 2. the instance that ran from the start, while a third one joins
      AppProcess b = run.start(second);
      b.awaitOutput("sae-streams running", WAIT);
      run.awaitCodedIds(TOTAL / 2);
      int rebalances = count(a.output(), "rebalancing: the consumer group changed");
      AppProcess c = run.start(third);
      // from this line on a SIGTERM is a clean stop (before it, the JVM is still loading the command)
      c.awaitOutput("starting application", WAIT);
      Poll.until(WAIT, "a rebalance after the third instance joined",
          () -> count(a.output(), "rebalancing: the consumer group changed") > rebalances);
      run.assertCleanStop(a);
      run.assertCleanStop(c);

      run.assertComplete(b);
      run.assertCleanStop(b);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private record TrainerStart(long steps, long replayed) {}

  /** One application id, its topics and state directory, and the processes run on them in turn. */
  private static final class Run implements AutoCloseable {
    final AppUnderTest app;
    final Outputs out;
    final InputProducer producer;
    final List<InputVector> inputs;
    final Path config;
    final Path work;
    final List<AppProcess> processes = new ArrayList<>();
    CompletableFuture<Void> production = CompletableFuture.completedFuture(null);

    Run(String name, Path work) throws Exception {
      this.work = work;
      app = AppUnderTest.create(EMBEDDED.cluster(), name, 1, Map.ofEntries(
          Map.entry(AppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2"),
          Map.entry(AppConfig.SAE_INPUT_DIM_CONFIG, INPUT_DIM),
          Map.entry(AppConfig.SAE_LATENT_DIM_CONFIG, LATENT_DIM),
          Map.entry(AppConfig.SAE_K_CONFIG, K),
          Map.entry(AppConfig.MODEL_CHUNK_BYTES_CONFIG, 65_536),
          Map.entry(AppConfig.TRAIN_BATCH_SIZE_CONFIG, BATCH),
          Map.entry(AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, PUBLISH_EVERY),
          Map.entry(AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, CHECKPOINT_EVERY),
          Map.entry(AppConfig.TRAIN_BATCH_MAX_WAIT_MS_CONFIG, 3_600_000L),
          Map.entry(AppConfig.TRAIN_CHECKPOINT_INTERVAL_MS_CONFIG, 3_600_000L),
          // a transaction left open by a killed process is aborted by the broker this soon
          Map.entry("streams.producer.transaction.timeout.ms", 10_000)));
      // the test reads the model topic's whole history: keep the log cleaner off it meanwhile
      // (chunks are keyed by index, so compaction drops older versions' chunks, as it should)
      ConfigResource model = new ConfigResource(ConfigResource.Type.TOPIC, app.config().modelTopic());
      ItCluster.get(EMBEDDED.cluster().admin().incrementalAlterConfigs(Map.of(model, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "86400000"), AlterConfigOp.OpType.SET)))).all());
      config = app.writeProperties(work.resolve("app.properties"), work.resolve("state"),
          Map.of(AppConfig.METRICS_PORT_CONFIG, -1));
      inputs = new Inputs(INPUT_DIM, 2026L, name).next(TOTAL);
      producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
      out = new Outputs(EMBEDDED.cluster(), app.config());
    }

    AppProcess start() {
      return start(config);
    }

    /** The configuration of another instance of the same application: its own state directory. */
    Path instance(String name) throws IOException {
      return app.writeProperties(work.resolve(name + ".properties"), work.resolve("state-" + name),
          Map.of(AppConfig.METRICS_PORT_CONFIG, -1));
    }

    /** Starts a process on {@code properties} (another instance: its own state directory). */
    AppProcess start(Path properties) {
      AppProcess p = AppProcess.start(properties, work, app.applicationId() + "-" + processes.size());
      processes.add(p);
      return p;
    }

    /** Produces the input in slices on another thread, so that the first stop comes while producing. */
    void produceInBackground() {
      production = CompletableFuture.runAsync(() -> {
        for (int from = 0; from < TOTAL; from += 1_000) {
          producer.sendAll(inputs.subList(from, Math.min(TOTAL, from + 1_000)));
          producer.flush();
        }
      });
    }

    void awaitCodedIds(int n) {
      out.codes.readUntil(WAIT, n + " ids with a code", r -> Outputs.idsOf(r, SparseCode::getId).size() >= n);
    }

    /**
     * Waits until a committed model version shows that the trainer has passed a checkpoint: a
     * version is the trainer's step, and the checkpoint taken at an earlier step went to its
     * changelog in the same or an earlier transaction. Scoring does not wait for training, so
     * half the inputs coded does not mean that (with a fast broker it once did not).
     */
    void awaitCheckpointed() {
      long version = 2L * CHECKPOINT_EVERY;
      out.model.readUntil(WAIT, "model version " + version,
          r -> r.stream().anyMatch(c -> c.value().getModelVersion() >= version));
    }

    void assertCleanStop(AppProcess p) {
      p.assertAlive();
      long t0 = System.nanoTime();
      int exit = p.terminate(CLEAN_STOP);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      LOG.info("{} stopped by SIGTERM in {} ms with exit code {}", p.name(), ms, exit);
      assertThat(exit).as("exit code of %s after SIGTERM (-1: not stopped within %s)\n%s", p.name(), CLEAN_STOP,
          p.output()).isZero();
    }

    TrainerStart lastTrainerStart(AppProcess p) {
      Matcher m = TRAINER_START.matcher(p.output());
      TrainerStart last = null;
      while (m.find()) {
        last = new TrainerStart(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
      }
      assertThat(last).as("%s reported its trainer's start:\n%s", p.name(), p.output()).isNotNull();
      return last;
    }

    /**
     * Everything the run must end with, checked against the last process (which must still run).
     * Records the detector flagged are not trained on (train.skip.anomalies): the expected model
     * is an uninterrupted trainer's over the inputs in order without the ones the published scores
     * flag — scores and training records are written in the same transactions, so across every
     * crash the trainer must have skipped exactly those.
     */
    void assertComplete(AppProcess last) throws Exception {
      production.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      out.awaitCodesAndScores(OutputChecks.ids(inputs), WAIT);
      EMBEDDED.cluster().awaitCaughtUp(app.applicationId(), List.of(app.config().inputTopic()), WAIT);
      out.scores.readToEnd(WAIT);
      Set<String> flagged = out.scores.records().stream().map(ConsumerRecord::value)
          .filter(ReconstructionScore::getAnomaly).map(ReconstructionScore::getId).collect(Collectors.toSet());
      List<InputVector> trained = inputs.stream().filter(v -> !flagged.contains(v.getId())).toList();
      long finalVersion = trained.size() / BATCH / PUBLISH_EVERY * PUBLISH_EVERY;
      LOG.info("{} of {} inputs flagged, so not trained on; last version due {}", flagged.size(), TOTAL, finalVersion);
      assertThat(flagged.size()).as("flagged inputs (false alarms of normal data)").isLessThan(TOTAL / 20);
      EMBEDDED.cluster().awaitCaughtUp(app.applicationId(), List.of(app.trainingTopic()), WAIT);
      out.model.readUntil(WAIT, "model version " + finalVersion,
          r -> r.stream().anyMatch(c -> c.value().getModelVersion() >= finalVersion));
      out.settle(EMBEDDED.cluster(), app, WAIT);
      last.assertAlive();
      for (AppProcess p : processes) {
        assertThat(p.output()).as("what %s printed", p.name()).doesNotContain("Tasks [-1_-1] are corrupted")
            .doesNotContain("Exception in thread");
      }

      OutputChecks.assertOneCodeAndScorePerInput(inputs, out.codes.records(), out.scores.records(), LATENT_DIM, K);
      List<Long> versions = OutputChecks.assertCompleteVersions(out.model.records(), INPUT_DIM, LATENT_DIM);
      assertThat(versions).as("every due model version published exactly once, in order")
          .isEqualTo(LongStream.rangeClosed(1, finalVersion / PUBLISH_EVERY).map(v -> v * PUBLISH_EVERY)
              .boxed().toList());
      assertThat(out.dlq.records()).as("valid inputs dead-lettered").isEmpty();
      byte[] published = OutputChecks.modelBytes(out.model.records(), finalVersion);
      byte[] uninterrupted = uninterrupted(app.config().trainerConfig(), trained, finalVersion);
      assertThat(published).as("final model, bit for bit, against an uninterrupted trainer's")
          .isEqualTo(uninterrupted);
    }

    /** The model an uninterrupted trainer makes from {@code trained} in order, at {@code steps}. */
    static byte[] uninterrupted(TrainerConfig cfg, List<InputVector> trained, long steps) {
      OnlineTrainer t = new OnlineTrainer(cfg, Gemms.create("java"));
      for (InputVector v : trained) {
        if (t.steps() == steps) {
          break;
        }
        float[] x = new float[v.getValues().size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = v.getValues().get(i);
        }
        t.accept(x);
      }
      assertThat(t.steps()).isEqualTo(steps);
      return SaeModel.of(cfg.model(), t.parameters(), t.steps()).toBytes();
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
