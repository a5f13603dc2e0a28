package io.saestreams.stream.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.model.SaeModel;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.stream.SaeDriver;
import io.saestreams.train.OnlineTrainer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Micro-batched scoring through the whole topology ({@code score.batch.size} > 1). */
@Timeout(60)
class BatchedScoringTest {
  private static final int D = 16;
  private static final long WAIT_MS = 100;
  private static final double ERROR_TOLERANCE = 1e-6;
  private static final float VALUE_TOLERANCE = 1e-5f;
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;

  @TempDir Path stateDir;

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

  private SaeDriver open(int batchSize, String dir) {
    Map<String, Object> s = SaeDriver.settings(registry.url());
    s.put(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0);
    s.put(AppConfig.SCORE_BATCH_SIZE_CONFIG, batchSize);
    s.put(AppConfig.SCORE_BATCH_MAX_WAIT_MS_CONFIG, WAIT_MS);
    // sigmas mode switches versions at once: in false-alarm-rate mode a new version takes over
    // after a handover counted in whole batches, so which version scores a record depends on the
    // batch size there by design
    s.put(AppConfig.ANOMALY_THRESHOLD_MODE_CONFIG, "sigmas");
    s.put(AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 0L);
    return new SaeDriver(s, client, stateDir.resolve(dir));
  }

  /** One input of the scenario: a valid vector (timestamp and header of its own) or garbage. */
  private record Input(String id, long timestamp, float[] x) {}

  private static List<Input> inputs(int n, long seed) {
    Random r = new Random(seed);
    List<Input> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[D];
      for (int j = 0; j < D; j++) {
        x[j] = (float) r.nextGaussian();
      }
      if (i == n - 1) {
        x[5] = 300f; // an outlier after warm-up: one alert
      }
      out.add(new Input("id-" + i, 10_000L + 7L * i, i == 9 ? null : x));
    }
    return out;
  }

  private static void send(SaeDriver sae, Input in) {
    byte[] key = SaeDriver.key(in.id());
    org.apache.kafka.common.header.Headers headers = new RecordHeaders().add("trace", in.id().getBytes(StandardCharsets.UTF_8));
    byte[] value = in.x() == null ? new byte[] {1, 2, 3} : sae.encode(SaeDriver.vector(in.id(), in.timestamp(), in.x()));
    sae.input.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(in.timestamp())));
  }

  /** A model version other than 0, to see which inputs were encoded with which version. */
  private static List<ModelChunk> trainedVersion(SaeDriver sae, List<Input> data, long version) {
    OnlineTrainer t = new OnlineTrainer(sae.config.trainerConfig(), io.saestreams.model.linalg.Gemms.create("java"));
    for (Input in : data) {
      if (in.x() != null) {
        t.accept(in.x());
      }
    }
    t.flush();
    byte[] bytes = SaeModel.of(sae.config.saeConfig(), t.parameters(), version).toBytes();
    List<byte[]> parts = Chunks.split(bytes, 1024);
    List<ModelChunk> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      out.add(ModelChunk.newBuilder().setModelVersion(version).setChunkIndex(i).setChunkCount(parts.size())
          .setTotalBytes(bytes.length).setChecksum(Chunks.crc32(bytes)).setPayload(ByteBuffer.wrap(parts.get(i)))
          .setCreatedAt(Instant.EPOCH).setTrainingSteps(version).build());
    }
    return out;
  }

  private record Outputs(
      List<TestRecord<byte[], SparseCode>> codes,
      List<TestRecord<byte[], ReconstructionScore>> scores,
      List<AnomalyAlert> alerts,
      int dead) {}

  /** Inputs 0..11, a wait, model version 7, inputs 12..: the same scenario for any batch size. */
  private Outputs scenario(int batchSize) {
    List<Input> data = inputs(40, 17);
    try (SaeDriver sae = open(batchSize, "b" + batchSize)) {
      for (Input in : data.subList(0, 12)) {
        send(sae, in);
      }
      sae.driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS));
      for (ModelChunk c : trainedVersion(sae, data, 7)) {
        sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c);
      }
      for (Input in : data.subList(12, data.size())) {
        send(sae, in);
      }
      sae.driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS));
      return new Outputs(sae.codes.readRecordsToList(), sae.scores.readRecordsToList(),
          sae.alerts.readValuesToList(), sae.dlq.readRecordsToList().size());
    }
  }

  @ParameterizedTest(name = "score.batch.size={0}")
  @ValueSource(ints = {2, 5, 12, 64})
  void batchedOutputsAreThoseOfScoringEachInputAlone(int batchSize) {
    Outputs one = scenario(1);
    Outputs batched = scenario(batchSize);

    assertThat(one.scores()).hasSize(39);
    assertThat(one.dead()).isEqualTo(1);
    assertThat(batched.dead()).isEqualTo(1);
    assertThat(one.scores()).extracting(r -> r.value().getModelVersion()).contains(0L, 7L);
    assertThat(one.alerts()).extracting(AnomalyAlert::getId).containsExactly("id-39");

    assertThat(batched.codes()).hasSameSizeAs(one.codes());
    assertThat(batched.scores()).hasSameSizeAs(one.scores());
    for (int i = 0; i < one.scores().size(); i++) {
      TestRecord<byte[], ReconstructionScore> e = one.scores().get(i);
      TestRecord<byte[], ReconstructionScore> a = batched.scores().get(i);
      assertThat(a.key()).isEqualTo(e.key());
      assertThat(a.timestamp()).isEqualTo(e.timestamp());
      assertThat(a.headers().lastHeader("trace").value()).isEqualTo(e.headers().lastHeader("trace").value());
      assertThat(a.value().getId()).isEqualTo(e.value().getId());
      assertThat(a.value().getTimestamp()).isEqualTo(e.value().getTimestamp());
      assertThat(a.value().getModelVersion()).isEqualTo(e.value().getModelVersion());
      assertThat(a.value().getError()).isCloseTo(e.value().getError(), within(ERROR_TOLERANCE));
      assertThat(a.value().getAnomaly()).isEqualTo(e.value().getAnomaly());

      SparseCode ec = one.codes().get(i).value();
      SparseCode ac = batched.codes().get(i).value();
      assertThat(ac.getId()).isEqualTo(ec.getId());
      assertThat(batched.codes().get(i).timestamp()).isEqualTo(one.codes().get(i).timestamp());
      assertThat(ac.getModelVersion()).isEqualTo(ec.getModelVersion());
      assertThat(ac.getIndices()).isEqualTo(ec.getIndices());
      for (int j = 0; j < ec.getValues().size(); j++) {
        assertThat(ac.getValues().get(j)).isCloseTo(ec.getValues().get(j), within(VALUE_TOLERANCE));
      }
    }
    assertThat(batched.alerts()).extracting(AnomalyAlert::getId).containsExactly("id-39");
  }

  @Test
  void aPartialBatchWaitsInTheStoreUntilThePunctuatorEncodesIt() {
    try (SaeDriver sae = open(8, "partial")) {
      List<Input> data = inputs(19, 3);
      for (Input in : data.subList(0, 3)) {
        send(sae, in);
      }
      assertThat(sae.scores.isEmpty()).isTrue();
      assertThat(sae.codes.isEmpty()).isTrue();
      assertThat(bufferedIds(sae)).containsExactly("id-0", "id-1", "id-2");

      sae.driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS - 1));
      assertThat(sae.scores.isEmpty()).as("before the wait is over").isTrue();
      sae.driver.advanceWallClockTime(Duration.ofMillis(1));
      assertThat(sae.scores.readValuesToList()).extracting(ReconstructionScore::getId)
          .containsExactly("id-0", "id-1", "id-2");
      assertThat(sae.codes.readValuesToList()).extracting(SparseCode::getId)
          .containsExactly("id-0", "id-1", "id-2");
      assertThat(bufferedIds(sae)).isEmpty();

      // a full batch goes at once, without waiting; input 9 is invalid and never buffered
      for (Input in : data.subList(3, 12)) {
        send(sae, in);
      }
      assertThat(sae.scores.readValuesToList()).extracting(ReconstructionScore::getId)
          .containsExactly("id-3", "id-4", "id-5", "id-6", "id-7", "id-8", "id-10", "id-11");
      for (Input in : data.subList(12, 19)) {
        send(sae, in);
      }
      assertThat(sae.scores.isEmpty()).isTrue();
      assertThat(bufferedIds(sae)).hasSize(7);
      sae.driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS));
      assertThat(sae.scores.readValuesToList()).extracting(ReconstructionScore::getId)
          .containsExactly("id-12", "id-13", "id-14", "id-15", "id-16", "id-17", "id-18");
      assertThat(sae.metrics.errors).hasSize(18);
    }
  }

  /**
   * The buffer is written back when the task commits (the driver commits after every input and
   * punctuation): the waiting inputs, each once, under its slot; once they are scored, tombstones.
   */
  @Test
  void theTaskCommitWritesTheWaitingInputsToTheChangelogAndTheirTombstonesOnceScored() {
    try (SaeDriver sae = open(8, "changelog")) {
      String changelog = sae.config.getString(AppConfig.APPLICATION_ID_CONFIG) + "-" + ScoringProcessor.BUFFER_STORE
          + "-changelog";
      TestOutputTopic<Long, byte[]> logged =
          sae.driver.createOutputTopic(changelog, new LongDeserializer(), new ByteArrayDeserializer());
      List<Input> data = inputs(3, 5);
      for (Input in : data) {
        send(sae, in);
      }
      List<KeyValue<Long, byte[]>> written = logged.readKeyValuesToList();
      assertThat(written).extracting(kv -> kv.key).containsExactly(0L, 1L, 2L);
      assertThat(written).extracting(kv -> PendingInput.decode(kv.key, kv.value).input().id())
          .containsExactly("id-0", "id-1", "id-2");

      sae.driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS));
      assertThat(sae.scores.readValuesToList()).hasSize(3);
      List<KeyValue<Long, byte[]>> freed = logged.readKeyValuesToList();
      assertThat(freed).extracting(kv -> kv.key).containsExactly(0L, 1L, 2L);
      assertThat(freed).extracting(kv -> kv.value).containsOnlyNulls();
      assertThat(bufferedIds(sae)).isEmpty();
    }
  }

  private static List<String> bufferedIds(SaeDriver sae) {
    KeyValueStore<Long, PendingInput> store = sae.driver.getKeyValueStore(ScoringProcessor.BUFFER_STORE);
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<Long, PendingInput> it = store.all()) {
      while (it.hasNext()) {
        ids.add(it.next().value.input().id());
      }
    }
    return ids;
  }
}
