package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.InputVector;
import io.saestreams.avro.ReconstructionScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end scenario, run against any cluster and registry: 2,000 valid inputs with distinct
 * ids on a 3-partition topic, in two phases. The second phase is produced only once the
 * instance's global model store holds a trained version V, and holds a few extreme outliers.
 *
 * <p>Checks: exactly one code and one score per input, carrying its id and event time; the model
 * version each scoring task uses never goes back; every input of the second phase is scored by a
 * version ≥ V (the scorers switch to the newest complete version); the model topic holds each
 * published version as complete, consistent chunks, and scores use only those versions (or the
 * initial version 0); one alert per anomalous score and every outlier alerted; nothing
 * dead-lettered; the instance still RUNNING.
 */
final class EndToEndScenario {
  private static final Logger LOG = LoggerFactory.getLogger(EndToEndScenario.class);
  static final int PHASE_ONE = 1_200;
  static final int PHASE_TWO = 800;
  static final int OUTLIER_EVERY = 150;
  static final Duration WAIT = Duration.ofSeconds(90);

  private EndToEndScenario() {}

  static void run(ItCluster cluster, Path stateDir) {
    long t0 = System.nanoTime();
    // alerts from the first trained version on, one per anomalous record (checked one to one)
    Map<String, Object> anomaly = Map.of(
        io.saestreams.stream.config.AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 0L,
        io.saestreams.stream.config.AppConfig.ANOMALY_HANDOVER_RECORDS_CONFIG, 32,
        io.saestreams.stream.config.AppConfig.ANOMALY_ALERT_MODE_CONFIG, "record");
    try (AppUnderTest app = AppUnderTest.create(cluster, "end-to-end", 3, anomaly);
        InputProducer producer = new InputProducer(cluster, app.config().inputTopic());
        Outputs out = new Outputs(cluster, app.config())) {
      KafkaStreams streams = app.start(stateDir);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 42L, "e2e");

      List<InputVector> first = source.next(PHASE_ONE);
      producer.sendAll(first);
      AtomicLong trained = new AtomicLong();
      Poll.until(WAIT, "a trained model version in the global model store",
          () -> { trained.set(AppUnderTest.latestModelVersion(streams)); return trained.get() > 0; });

      List<InputVector> second = new ArrayList<>();
      Set<String> outliers = new HashSet<>();
      for (int i = 0; i < PHASE_TWO; i++) {
        // none in the first stretch: the first trained version takes over from version 0 at once
        // (no handover) and the detector learns its error level afresh, flagging nothing meanwhile
        if (i >= OUTLIER_EVERY && i % OUTLIER_EVERY == OUTLIER_EVERY / 2) {
          InputVector v = source.next(source.outlierValues());
          outliers.add(v.getId());
          second.add(v);
        } else {
          second.add(source.next(source.nextValues()));
        }
      }
      producer.sendAll(second);

      List<InputVector> all = new ArrayList<>(first);
      all.addAll(second);
      out.awaitCodesAndScores(OutputChecks.ids(all), WAIT);
      out.settle(cluster, app, WAIT);

      Map<String, ConsumerRecord<byte[], ReconstructionScore>> scores =
          OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());

      for (InputVector v : second) {
        assertThat(scores.get(v.getId()).value().getModelVersion())
            .as("model version of %s, produced after version %s reached the global store", v.getId(), trained.get())
            .isGreaterThanOrEqualTo(trained.get());
      }
      Map<Integer, List<Long>> versionsUsed = OutputChecks.versionsByPartition(out.scores.records());
      assertThat(versionsUsed).as("score partitions").hasSize(3);
      versionsUsed.forEach((p, vs) -> assertThat(vs).as("model versions of scores on partition %s, in offset order", p).isSorted());
      Set<Long> distinct = new TreeSet<>();
      versionsUsed.values().forEach(distinct::addAll);
      assertThat(distinct).as("model versions used by scores").hasSizeGreaterThanOrEqualTo(2);

      List<Long> published = OutputChecks.assertCompleteVersions(out.model.records());
      assertThat(out.model.records().get(0).value().getChunkCount()).as("chunks per model version").isGreaterThan(1);
      assertThat(published).as("published model versions").contains(trained.get());
      Set<Long> allowed = new HashSet<>(published);
      allowed.add(0L);
      assertThat(allowed).as("published versions and version 0").containsAll(distinct);

      checkAlerts(out.alerts.records(), scores, outliers);
      assertThat(out.dlq.records()).as("dead-lettered records").isEmpty();
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.uncaughtExceptions()).isEmpty();
      LOG.info("end-to-end: {} inputs, model versions published {}, used by scores {}, {} alerts, in {} ms",
          all.size(), published, distinct, out.alerts.records().size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  /** One alert per anomalous score, matching it; every outlier among them. */
  private static void checkAlerts(
      List<ConsumerRecord<byte[], AnomalyAlert>> alerts,
      Map<String, ConsumerRecord<byte[], ReconstructionScore>> scores,
      Set<String> outliers) {
    Map<String, AnomalyAlert> byId = new HashMap<>();
    for (ConsumerRecord<byte[], AnomalyAlert> r : alerts) {
      assertThat(byId.put(r.value().getId(), r.value())).as("alerts for %s", r.value().getId()).isNull();
    }
    Set<String> anomalous = new HashSet<>();
    scores.forEach((id, s) -> {
      if (s.value().getAnomaly()) {
        anomalous.add(id);
      }
    });
    assertThat(byId.keySet()).as("ids with an alert").isEqualTo(anomalous);
    assertThat(byId.keySet()).as("ids with an alert").containsAll(outliers);
    byId.forEach((id, a) -> {
      ReconstructionScore s = scores.get(id).value();
      assertThat(List.of(a.getModelVersion(), a.getTimestamp().toEpochMilli()))
          .isEqualTo(List.of(s.getModelVersion(), s.getTimestamp().toEpochMilli()));
      assertThat(a.getError()).isEqualTo(s.getError());
      assertThat(a.getError()).as("error of alerted %s", id).isGreaterThan(a.getThreshold());
      assertThat(a.getTopDimensions()).isNotEmpty().hasSameSizeAs(a.getTopContributions());
      assertThat(a.getAttributes()).as("the input's attributes, carried to its alert").containsEntry("source", "it");
    });
  }
}
