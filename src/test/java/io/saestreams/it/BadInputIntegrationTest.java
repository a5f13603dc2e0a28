package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.stream.validate.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records interleaved with valid ones: each bad record lands once in the dead-letter
 * topic, with its original bytes and headers, the reason code and where it was read from; every
 * valid record still gets its code and score; the application keeps running.
 */
class BadInputIntegrationTest {
  private static final int VALID = 300;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Header ORIGIN = new RecordHeader("origin", "bad-input-test".getBytes(StandardCharsets.UTF_8));

  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  /** One poison record: its key, its bytes and the reason the DLQ must give. */
  private record Bad(String key, byte[] value, String reason) {}

  /** Where a bad record was written. */
  private record Sent(Bad bad, RecordMetadata where) {}

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyBadRecordIsDeadLetteredWithItsReasonAndTheValidOnesAreScored(@TempDir Path stateDir) {
    try (AppUnderTest app = AppUnderTest.create(EMBEDDED.cluster(), "bad-input", 3, Map.of());
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      KafkaStreams streams = app.start(stateDir);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 3L, "ok");
      List<Bad> bads = badRecords(producer, source);

      List<InputVector> valid = new ArrayList<>();
      List<Sent> sent = new ArrayList<>();
      int every = VALID / bads.size();
      for (int i = 0; i < VALID; i++) {
        InputVector v = source.next(source.nextValues());
        valid.add(v);
        producer.send(v);
        if (i % every == every / 2 && sent.size() < bads.size()) {
          producer.flush();
          Bad b = bads.get(sent.size());
          sent.add(new Sent(b, producer.sendRaw(InputProducer.key(b.key()), b.value(), System.currentTimeMillis(), List.of(ORIGIN))));
        }
      }
      producer.flush();
      assertThat(sent).hasSameSizeAs(bads);

      out.awaitCodesAndScores(OutputChecks.ids(valid), WAIT);
      out.dlq.readAtLeast(bads.size(), WAIT);
      out.settle(EMBEDDED.cluster(), app, WAIT);

      OutputChecks.assertOneCodeAndScorePerInput(valid, out.codes.records(), out.scores.records());
      Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : out.dlq.records()) {
        assertThat(dead.put(Outputs.keyText(r), r)).as("dead letters keyed %s", Outputs.keyText(r)).isNull();
      }
      assertThat(dead).as("dead letters by key").hasSameSizeAs(bads);
      for (Sent s : sent) {
        ConsumerRecord<byte[], byte[]> r = dead.get(s.bad().key());
        assertThat(r).as("dead letter of %s", s.bad().key()).isNotNull();
        assertThat(r.value()).as("original bytes of %s", s.bad().key()).isEqualTo(s.bad().value());
        assertThat(header(r, DeadLetterHeaders.REASON)).as("reason of %s", s.bad().key()).isEqualTo(s.bad().reason());
        assertThat(header(r, DeadLetterHeaders.DETAIL)).as("detail of %s", s.bad().key()).isNotBlank();
        assertThat(header(r, DeadLetterHeaders.TOPIC)).isEqualTo(app.config().inputTopic());
        assertThat(header(r, DeadLetterHeaders.PARTITION)).isEqualTo(Integer.toString(s.where().partition()));
        assertThat(header(r, DeadLetterHeaders.OFFSET)).isEqualTo(Long.toString(s.where().offset()));
        assertThat(header(r, ORIGIN.key())).as("original header of %s", s.bad().key()).isEqualTo("bad-input-test");
      }
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }

  /**
   * A schema-valid input whose derived records cannot be written: a 600 KB id would make the
   * training record 1.2 MB, over the producer's limit, and under exactly_once_v2 that aborted the
   * transaction and killed the application on the same record at every restart. Here it and an
   * input with attributes too large for the configured {@code max.request.size} are dead-lettered
   * with their reasons (without their original bytes, which do not fit in a dead letter either);
   * everything valid around them is scored and the application keeps running.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void inputsWhoseDerivedRecordsCannotBeWrittenAreDeadLetteredAndTheStreamGoesOn(@TempDir Path stateDir) {
    int maxRequest = 262_144;
    try (AppUnderTest app = AppUnderTest.create(EMBEDDED.cluster(), "poison-pill", 2, Map.of(
            "processing.guarantee", "exactly_once_v2",
            "streams.producer.max.request.size", maxRequest));
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      KafkaStreams streams = app.start(stateDir);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 5L, "pill");
      List<InputVector> valid = new ArrayList<>();
      String hugeId = "pill-" + "x".repeat(600_000);
      InputVector longId = Inputs.vector(hugeId, System.currentTimeMillis(), source.nextValues());
      InputVector bigAttributes = InputVector.newBuilder(Inputs.vector("pill-attributes", System.currentTimeMillis(),
          source.nextValues())).setAttributes(Map.of("blob", "y".repeat(300_000))).build();
      for (int i = 0; i < VALID; i++) {
        InputVector v = source.next(source.nextValues());
        valid.add(v);
        producer.send(v);
        if (i == VALID / 3) {
          producer.send("pill-long-id", 1L, longId);
        } else if (i == 2 * VALID / 3) {
          producer.send("pill-attributes", 2L, bigAttributes);
        }
      }
      producer.flush();

      out.awaitCodesAndScores(OutputChecks.ids(valid), WAIT);
      out.dlq.readAtLeast(2, WAIT);
      out.settle(EMBEDDED.cluster(), app, WAIT);

      OutputChecks.assertOneCodeAndScorePerInput(valid, out.codes.records(), out.scores.records());
      assertThat(out.dlq.records()).hasSize(2);
      Map<String, String> reasons = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : out.dlq.records()) {
        reasons.put(header(r, DeadLetterHeaders.REASON), header(r, DeadLetterHeaders.DETAIL));
        assertThat(r.key()).as("key left out: the original does not fit").isNull();
        assertThat(r.value()).as("value left out: the original does not fit").isEmpty();
        assertThat(header(r, DeadLetterHeaders.TOPIC)).isEqualTo(app.config().inputTopic());
        assertThat(header(r, DeadLetterHeaders.OFFSET)).isNotBlank();
      }
      assertThat(reasons).containsOnlyKeys("id-too-long", "record-too-large");
      assertThat(reasons.get("id-too-long")).contains("input.id.max.bytes");
      assertThat(reasons.get("record-too-large")).contains("max.request.size", Integer.toString(maxRequest));
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }

  private static List<Bad> badRecords(InputProducer producer, Inputs source) {
    float[] ok = source.nextValues();
    byte[] framed = producer.encode(Inputs.vector("bad-framed", 1L, ok));
    // id 0: below the ids the registry handed out, so it is bogus (a higher one is a registry fault)
    byte[] unknownId = framed.clone();
    unknownId[1] = 0;
    unknownId[2] = 0;
    unknownId[3] = 0;
    unknownId[4] = 0;
    byte[] truncated = Arrays.copyOf(framed, framed.length - 8);
    byte[] trailing = Arrays.copyOf(framed, framed.length + 3);
    // header of a registered schema, then a string length of -1 (zig-zag 0x01): not Avro
    byte[] malformed = Arrays.copyOf(framed, 7);
    malformed[5] = 0x01;
    malformed[6] = 0x41;
    float[] nan = ok.clone();
    nan[3] = Float.NaN;
    float[] inf = ok.clone();
    inf[0] = Float.POSITIVE_INFINITY;
    return List.of(
        new Bad("bad-garbage", "definitely not avro".getBytes(StandardCharsets.UTF_8), "bad-magic"),
        new Bad("bad-empty-payload", new byte[0], "empty"),
        new Bad("bad-short-header", new byte[] {0, 0, 1}, "truncated-header"),
        new Bad("bad-unknown-schema-id", unknownId, "unknown-schema-id"),
        new Bad("bad-truncated-body", truncated, "truncated-avro"),
        new Bad("bad-trailing-bytes", trailing, "trailing-bytes"),
        new Bad("bad-malformed-body", malformed, "malformed-avro"),
        new Bad("bad-wrong-dimension", producer.encode(Inputs.vector("bad-wrong-dimension", 2L, Arrays.copyOf(ok, 15))), "wrong-dimension"),
        new Bad("bad-nan", producer.encode(Inputs.vector("bad-nan", 3L, nan)), "non-finite"),
        new Bad("bad-infinity", producer.encode(Inputs.vector("bad-infinity", 4L, inf)), "non-finite"),
        new Bad("bad-empty-vector", producer.encode(Inputs.vector("bad-empty-vector", 5L, new float[0])), "empty-vector"),
        new Bad("bad-tombstone", null, "null-value"));
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
