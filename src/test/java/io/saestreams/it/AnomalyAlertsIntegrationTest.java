package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.stream.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts on a labelled stream: a burst of normals produced before training catches up (no record
 * may be flagged by an immature model), then, once a version is mature, more normals (the
 * detector calibrates on them) and a mixed phase with 2 % anomalies, on which rates are measured;
 * both sent at the pace the trainer keeps up with. At the default false-alarm rate q = 0.01 the
 * measured rate on judged normals lies in [0.002, 0.02] and at least 90 % of the judged anomalies
 * are caught.
 */
class AnomalyAlertsIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(AnomalyAlertsIntegrationTest.class);
  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();
  private static final int WARM_UP = 16_000;
  private static final int CALIBRATION = 16_000;
  private static final int MIXED = 12_000;
  private static final double ANOMALY_FRACTION = 0.02;
  private static final long MIN_TRAINED = 12_800;
  private static final int CHUNK = 1_000;
  private static final long LAG = 2_000;

  /**
   * An anomaly: a normal sample plus a random component twice as long as the sample itself (so
   * about three times the typical norm, as in the demo), mostly off the stream's dictionary; the
   * sample's own structure stays in place, so only the reconstruction error tells.
   */
  private static float[] anomaly(float[] normal, Random r) {
    double norm = 0;
    float[] dir = new float[normal.length];
    double dn = 0;
    for (int i = 0; i < normal.length; i++) {
      norm += normal[i] * normal[i];
      dir[i] = (float) r.nextGaussian();
      dn += dir[i] * dir[i];
    }
    double scale = 2 * Math.sqrt(norm / dn);
    float[] x = normal.clone();
    for (int i = 0; i < x.length; i++) {
      x[i] += (float) (scale * dir[i]);
    }
    return x;
  }

  /**
   * Sends {@code records}, which follow {@code sent} records already sent, in chunks of {@value
   * #CHUNK}, each once the trainer is within {@value #LAG} records of all sent before it: as a
   * stream arriving at a pace the
   * trainer keeps up with, every record is scored by a version trained on nearly all records
   * before it, however fast this machine trains. Sent in one burst, which versions scored which
   * records depended on the machine's load, and with it the false-alarm rate: the small model
   * here still halves its error between 16,000 and 32,000 samples, the shape of the standardised
   * error tail changes with it, and a tail learnt across versions then sits too high or too low
   * (measured: 0.0025-0.012 on a loaded machine).
   */
  private static void sendInStep(InputProducer producer, KafkaStreams streams, List<InputVector> records, long sent) {
    for (int from = 0; from < records.size(); from += CHUNK) {
      long before = sent + from;
      Poll.until(Duration.ofSeconds(60), "the trainer within " + LAG + " records of " + before,
          () -> AppUnderTest.latestModelVersion(streams) * AppUnderTest.BATCH >= before - LAG);
      producer.sendAll(records.subList(from, Math.min(records.size(), from + CHUNK)));
    }
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aBurstOfLabelledRecordsMeetsTheFalseAlarmRateAndCatchesTheAnomalies(@TempDir Path stateDir) {
    Map<String, Object> settings = Map.of(
        AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, MIN_TRAINED,
        AppConfig.ANOMALY_WARMUP_RECORDS_CONFIG, 1000L);
    try (AppUnderTest app = AppUnderTest.create(EMBEDDED.cluster(), "alerts", 2, settings);
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 23L, "alerts");
      Random r = new Random(23);
      // a burst of normals, scored long before the trainer has caught up: nothing may be flagged
      List<InputVector> all = new ArrayList<>(source.next(WARM_UP));
      producer.sendAll(all);
      KafkaStreams streams = app.start(stateDir);
      long mature = MIN_TRAINED / AppUnderTest.BATCH;
      Poll.until(Duration.ofSeconds(120), "a model version trained on " + MIN_TRAINED + " samples",
          () -> AppUnderTest.latestModelVersion(streams) >= mature);
      // normals scored by mature versions: the detector calibrates on them
      List<InputVector> calibration = source.next(CALIBRATION);
      sendInStep(producer, streams, calibration, all.size());
      all.addAll(calibration);
      // then the labelled mixed phase, on which rates are measured
      Set<String> anomalies = new HashSet<>();
      List<InputVector> mixed = new ArrayList<>(MIXED);
      for (int i = 0; i < MIXED; i++) {
        boolean bad = r.nextDouble() < ANOMALY_FRACTION;
        InputVector v = source.next(bad ? anomaly(source.nextValues(), r) : source.nextValues());
        if (bad) {
          anomalies.add(v.getId());
        }
        mixed.add(v);
      }
      sendInStep(producer, streams, mixed, all.size());
      all.addAll(mixed);
      out.awaitCodesAndScores(OutputChecks.ids(all), Duration.ofSeconds(180));
      out.settle(EMBEDDED.cluster(), app, Duration.ofSeconds(60));

      long judgedNormals = 0;
      long falseAlarms = 0;
      long judgedAnomalies = 0;
      long caught = 0;
      Set<String> mixedIds = new HashSet<>(OutputChecks.ids(mixed));
      for (ConsumerRecord<byte[], ReconstructionScore> rec : out.scores.records()) {
        ReconstructionScore s = rec.value();
        boolean immature = s.getModelVersion() * AppUnderTest.BATCH < MIN_TRAINED;
        if (immature) {
          assertThat(s.getAnomaly()).as("flagged by the immature version %s: %s", s.getModelVersion(), s.getId())
              .isFalse();
          assertThat(s.getThreshold()).isNull();
        }
        if (s.getThreshold() == null) {
          assertThat(s.getAnomaly()).isFalse();
          continue;
        }
        if (!mixedIds.contains(s.getId())) {
          continue;
        }
        if (anomalies.contains(s.getId())) {
          judgedAnomalies++;
          caught += s.getAnomaly() ? 1 : 0;
        } else {
          judgedNormals++;
          falseAlarms += s.getAnomaly() ? 1 : 0;
        }
      }
      double rate = falseAlarms / (double) judgedNormals;
      double recall = caught / (double) judgedAnomalies;
      LOG.info("alerts: {} judged normals, false-alarm rate {}; {} of {} judged anomalies caught (recall {})",
          judgedNormals, rate, caught, judgedAnomalies, recall);
      assertThat(judgedNormals).as("normals judged with a threshold in force").isGreaterThan(MIXED / 2);
      assertThat(judgedAnomalies).as("anomalies judged").isGreaterThan(100);
      // at most 2 q: no crying wolf. The lower end is far looser than the [0.005, 0.02] the
      // Fashion-MNIST benchmark and the detector's own tests are held to: the model here still
      // halves its error over the measured records, and as it improves the upper tail of its
      // standardised errors mostly gets lighter, so the tail learnt over the last 10,000 records lies too
      // high, or after a shift, too low. Measured with the paced sending, loaded machine or not:
      // 0.0039-0.0126 over 8 runs.
      // 0.002 still fails a detector gone blind (the handover before the upper-side one: 0.0007 in
      // AnomalyDetectorTest's switch to unevenly fallen errors)
      assertThat(rate).as("false-alarm rate on judged normals").isBetween(0.002, 0.02);
      assertThat(recall).as("recall on judged anomalies").isGreaterThanOrEqualTo(0.9);
      assertThat(out.dlq.records()).isEmpty();
    }
  }
}
