package io.saestreams.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroDecodeException;
import io.saestreams.serde.DecodeFailure;
import io.saestreams.stream.anomaly.AlertExplainer;
import io.saestreams.stream.anomaly.AnomalyDetector;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.sync.ReplicaProcessor;
import io.saestreams.stream.sync.SyncAggregator;
import io.saestreams.stream.sync.SyncContributions;
import io.saestreams.stream.training.TrainerProcessor;
import io.saestreams.stream.validate.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class SaeTopologyTest {
  private static final int D = 16;
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

  private SaeDriver open(Map<String, Object> overrides) {
    Map<String, Object> s = SaeDriver.settings(registry.url());
    s.putAll(overrides);
    sae = new SaeDriver(s, client, stateDir);
    return sae;
  }

  @ParameterizedTest(name = "train.mode={0}, train.state.store={1}")
  @CsvSource({"single, auto, false", "single, rocksdb, true", "single, in_memory, false",
      "data-parallel, auto, false", "data-parallel, rocksdb, true", "data-parallel, in_memory, false"})
  void theTrainingStateGoesToTheConfiguredKindOfStore(String mode, String store, boolean persistent) {
    open(Map.of(AppConfig.TRAIN_MODE_CONFIG, mode, AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG, 1,
        AppConfig.TRAIN_STATE_STORE_CONFIG, store));
    boolean dp = mode.equals("data-parallel");
    List<String> training = dp
        ? List.of(ReplicaProcessor.CHECKPOINT_STORE, SyncAggregator.STORE, SyncContributions.STORE)
        : List.of(TrainerProcessor.CHECKPOINT_STORE);
    for (String name : training) {
      assertThat(sae.driver.getKeyValueStore(name).persistent()).as(name).isEqualTo(persistent);
    }
    // the replay log stays on disk either way: references to inputs, a few bytes a sample
    String replay = dp ? ReplicaProcessor.REPLAY_STORE : TrainerProcessor.REPLAY_STORE;
    assertThat(sae.driver.getKeyValueStore(replay).persistent()).as(replay).isTrue();
  }

  private static float[] randomVector(Random r) {
    float[] x = new float[D];
    for (int i = 0; i < D; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void validRecordsProduceExactlyOneCodeAndOneScoreEachWithTheInitialModel() {
    open(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0));
    SaeModel.Scorer reference = InitialModel.of(sae.config.trainerConfig()).scorer(Gemms.create("java"), 1);
    Random r = new Random(11);
    float[][] xs = new float[5][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = randomVector(r);
      sae.send("id-" + i, xs[i]);
    }
    List<TestRecord<byte[], SparseCode>> codes = sae.codes.readRecordsToList();
    List<TestRecord<byte[], ReconstructionScore>> scores = sae.scores.readRecordsToList();
    assertThat(codes).hasSize(5);
    assertThat(scores).hasSize(5);
    for (int i = 0; i < xs.length; i++) {
      String id = "id-" + i;
      SparseCode c = codes.get(i).value();
      ReconstructionScore s = scores.get(i).value();
      assertThat(codes.get(i).key()).isEqualTo(SaeDriver.key(id));
      assertThat(scores.get(i).key()).isEqualTo(SaeDriver.key(id));
      assertThat(c.getId()).isEqualTo(id);
      assertThat(s.getId()).isEqualTo(id);
      assertThat(c.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1_000L));
      assertThat(c.getModelVersion()).isZero();
      assertThat(s.getModelVersion()).isZero();
      assertThat(c.getDimension()).isEqualTo(48);
      assertThat(c.getIndices()).hasSameSizeAs(c.getValues());
      reference.score(xs[i], 1);
      assertThat(s.getError()).isCloseTo(reference.squaredError(0) / (double) D, within(1e-9));
      assertThat(s.getThreshold()).as("no threshold while warming up: null, never NaN").isNull();
      assertThat(s.getAnomaly()).isFalse();
    }
    assertThat(sae.dlq.isEmpty()).isTrue();
    assertThat(sae.metrics.in).isEqualTo(5);
    assertThat(sae.metrics.out).filteredOn("codes"::equals).hasSize(5);
    assertThat(sae.metrics.out).filteredOn("scores"::equals).hasSize(5);
    assertThat(sae.metrics.errors).hasSize(5);
  }

  /** name, payload maker (driver → original bytes), expected reason. */
  static Stream<Arguments> invalidInputs() {
    Function<SaeDriver, byte[]> header = d -> Arrays.copyOf(d.encode(SaeDriver.vector("h", 1, new float[D])), 5);
    return Stream.of(
        Arguments.of("bad magic", (Function<SaeDriver, byte[]>) d -> new byte[] {7, 1, 2, 3, 4, 5}, "bad-magic"),
        Arguments.of("empty payload", (Function<SaeDriver, byte[]>) d -> new byte[0], "empty"),
        Arguments.of("short header", (Function<SaeDriver, byte[]>) d -> new byte[] {0, 0, 1}, "truncated-header"),
        // id 0: below the ids the registry handed out, so it is bogus (a higher one is a registry fault)
        Arguments.of("unknown schema id", (Function<SaeDriver, byte[]>) d -> new byte[] {0, 0, 0, 0, 0, 2, 4}, "unknown-schema-id"),
        Arguments.of("malformed avro", (Function<SaeDriver, byte[]>) d -> concat(header.apply(d), new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1}), "malformed-avro"),
        Arguments.of("truncated avro", (Function<SaeDriver, byte[]>) d -> Arrays.copyOf(d.encode(SaeDriver.vector("t", 1, new float[D])), 12), "truncated-avro"),
        Arguments.of("wrong dimension", (Function<SaeDriver, byte[]>) d -> d.encode(SaeDriver.vector("w", 1, new float[D + 1])), "wrong-dimension"),
        Arguments.of("NaN value", (Function<SaeDriver, byte[]>) d -> d.encode(SaeDriver.vector("n", 1, nonFinite(Float.NaN))), "non-finite"),
        Arguments.of("infinite value", (Function<SaeDriver, byte[]>) d -> d.encode(SaeDriver.vector("i", 1, nonFinite(Float.NEGATIVE_INFINITY))), "non-finite"),
        Arguments.of("empty vector", (Function<SaeDriver, byte[]>) d -> d.encode(SaeDriver.vector("e", 1)), "empty-vector"),
        Arguments.of("null value", (Function<SaeDriver, byte[]>) d -> null, "null-value"));
  }

  private static float[] nonFinite(float bad) {
    float[] x = new float[D];
    x[D / 2] = bad;
    return x;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidInputs")
  void invalidInputGoesToTheDlqWithItsOriginalBytesWhileValidOnesFlow(
      String name, Function<SaeDriver, byte[]> payload, String reason) {
    open(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0));
    sae.send("before", new float[D]);
    byte[] original = payload.apply(sae);
    byte[] key = "bad-key".getBytes(StandardCharsets.UTF_8);
    Headers headers = new RecordHeaders().add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
    sae.sendRaw(key, original, headers);
    sae.send("after", new float[D]);

    List<TestRecord<byte[], byte[]>> dead = sae.dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> r = dead.get(0);
    assertThat(r.key()).isEqualTo(key);
    assertThat(r.value()).isEqualTo(original);
    assertThat(text(r.headers(), DeadLetterHeaders.REASON)).isEqualTo(reason);
    assertThat(text(r.headers(), DeadLetterHeaders.DETAIL)).isNotBlank();
    assertThat(text(r.headers(), DeadLetterHeaders.TOPIC)).isEqualTo("sae-input");
    assertThat(text(r.headers(), DeadLetterHeaders.PARTITION)).isEqualTo("0");
    assertThat(text(r.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
    assertThat(text(r.headers(), "trace")).isEqualTo("t-1");
    assertThat(sae.metrics.invalid).containsExactly(reason);
    assertThat(sae.codes.readValuesToList()).extracting(SparseCode::getId).containsExactly("before", "after");
    assertThat(sae.scores.readValuesToList()).extracting(ReconstructionScore::getId).containsExactly("before", "after");
  }

  private static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void unreachableRegistryStopsProcessingInsteadOfDeadLettering() {
    EmbeddedSchemaRegistry gone = new EmbeddedSchemaRegistry().start();
    String url = gone.url();
    gone.close();
    open(Map.of());
    byte[] valid = sae.encode(SaeDriver.vector("v", 1, new float[D]));
    sae.close();
    SchemaRegistryClient unreachable = new SchemaRegistryClient(
        RegistryClientConfig.builder(url).maxRetries(0).connectTimeout(Duration.ofMillis(500))
            .requestTimeout(Duration.ofMillis(500)).build());
    Map<String, Object> s = SaeDriver.settings(url);
    sae = new SaeDriver(s, unreachable, stateDir.resolve("other"));
    SaeDriver d = sae;
    assertThatThrownBy(() -> d.input.pipeInput(SaeDriver.key("v"), valid))
        .satisfies(e -> assertThat(decodeFailure(e)).isEqualTo(DecodeFailure.REGISTRY_UNAVAILABLE));
    assertThat(sae.dlq.isEmpty()).isTrue();
    assertThat(sae.metrics.invalid).isEmpty();
  }

  private static DecodeFailure decodeFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AvroDecodeException a) {
        return a.failure();
      }
    }
    return null;
  }

  @Test
  void trainingPublishesChunkedVersionsAndScoringSwitchesToThem() {
    open(Map.of());
    Random r = new Random(3);
    for (int i = 0; i < 8; i++) {
      sae.send("s" + i, randomVector(r));
    }
    List<TestRecord<String, ModelChunk>> chunks = sae.model.readRecordsToList();
    assertThat(chunks).isNotEmpty();
    ModelChunk first = chunks.get(0).value();
    assertThat(first.getModelVersion()).isEqualTo(2);
    assertThat(first.getChunkCount()).isGreaterThan(1).isEqualTo(chunks.size());
    byte[][] parts = new byte[chunks.size()][];
    for (int i = 0; i < chunks.size(); i++) {
      ModelChunk c = chunks.get(i).value();
      assertThat(chunks.get(i).key()).isEqualTo(Integer.toString(i));
      assertThat(c.getChunkIndex()).isEqualTo(i);
      assertThat(c.getModelVersion()).isEqualTo(2);
      assertThat(c.getTrainingSteps()).isEqualTo(2);
      assertThat(c.getPayload().remaining()).isLessThanOrEqualTo(1024);
      parts[i] = bytes(c.getPayload());
    }
    byte[] whole = Chunks.join(List.of(parts));
    assertThat(whole).hasSize(first.getTotalBytes());
    assertThat(Chunks.crc32(whole)).isEqualTo(first.getChecksum());
    assertThat(SaeModel.fromBytes(whole).version()).isEqualTo(2);

    sae.send("after", randomVector(r));
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    assertThat(scores).hasSize(9);
    assertThat(scores.subList(0, 8)).allSatisfy(s -> assertThat(s.getModelVersion()).isZero());
    assertThat(scores.get(8).getModelVersion()).isEqualTo(2);
    assertThat(sae.codes.readValuesToList().get(8).getModelVersion()).isEqualTo(2);
    assertThat(sae.metrics.versions).contains("trainer=2", "scorer=0", "scorer=2");
    assertThat(sae.metrics.scorerVersions).containsExactly(Map.entry(0, 2L));
    assertThat(sae.metrics.steps).hasSize(2);
    assertThat(sae.metrics.stats).isEqualTo(1);
    // the first window is the drift's reference: nothing to compare with yet
    assertThat(sae.metrics.drifts).hasSize(1);
    assertThat(sae.metrics.drifts.get(0)).isNaN();
  }

  @Test
  void checkpointsAreWrittenEveryNStepsAndClearTheReplayStore() {
    open(Map.of());
    Random r = new Random(4);
    for (int i = 0; i < 14; i++) {
      sae.send("s" + i, randomVector(r));
    }
    // 3 steps → checkpoint after sample 12; samples 13 and 14 wait in the replay store, as
    // references to their input records (offsets 12 and 13 of input partition 0): one block
    KeyValueStore<String, byte[]> checkpoint = sae.driver.getKeyValueStore(TrainerProcessor.CHECKPOINT_STORE);
    KeyValueStore<Long, byte[]> replay = sae.driver.getKeyValueStore(TrainerProcessor.REPLAY_STORE);
    assertThat(checkpoint.get("meta")).isNotNull();
    assertThat(checkpoint.get("chunk-0-0")).isNotNull();
    assertThat(count(replay)).isEqualTo(1);
    try (var it = replay.all()) {
      ByteBuffer block = ByteBuffer.wrap(it.next().value);
      assertThat(block.get()).as("block format").isEqualTo((byte) 3);
      for (long offset : new long[] {12, 13}) {
        assertThat(block.get()).as("a reference").isZero();
        assertThat(block.getInt()).as("partition").isZero();
        assertThat(block.getLong()).as("offset").isEqualTo(offset);
      }
      assertThat(block.hasRemaining()).isFalse();
    }
    assertThat(sae.metrics.checkpoints).hasSize(1);
  }

  private static long count(KeyValueStore<Long, byte[]> store) {
    try (var it = store.all()) {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return n;
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private List<ModelChunk> chunksOf(long version, SaeModel base, long crcOverride) {
    SaeModel m = SaeModel.of(base.config(), base.parameters(), version);
    byte[] bytes = m.toBytes();
    List<byte[]> parts = Chunks.split(bytes, 1024);
    long crc = crcOverride != 0 ? crcOverride : Chunks.crc32(bytes);
    return java.util.stream.IntStream.range(0, parts.size())
        .mapToObj(i -> ModelChunk.newBuilder().setModelVersion(version).setChunkIndex(i)
            .setChunkCount(parts.size()).setTotalBytes(bytes.length).setChecksum(crc)
            .setPayload(ByteBuffer.wrap(parts.get(i))).setCreatedAt(Instant.EPOCH).setTrainingSteps(version)
            .build())
        .toList();
  }

  private long lastScoredVersion() {
    sae.send("probe", new float[D]);
    List<ReconstructionScore> s = sae.scores.readValuesToList();
    return s.get(s.size() - 1).getModelVersion();
  }

  @Test
  void incompleteCorruptOrInconsistentVersionsAreNeverUsed() {
    open(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0));
    SaeModel base = InitialModel.of(sae.config.trainerConfig());
    List<ModelChunk> v1000 = chunksOf(1000, base, 0);
    for (ModelChunk c : v1000.subList(0, v1000.size() - 1)) {
      sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c);
    }
    assertThat(lastScoredVersion()).as("incomplete version").isZero();

    for (ModelChunk c : chunksOf(2000, base, 12345L)) {
      sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c);
    }
    assertThat(lastScoredVersion()).as("version with a wrong CRC").isZero();

    List<ModelChunk> v2500 = chunksOf(2500, base, 0);
    for (ModelChunk c : v2500) {
      ModelChunk c2 = ModelChunk.newBuilder(c).build();
      if (c.getChunkIndex() == v2500.size() - 1) {
        c2.setTotalBytes(c.getTotalBytes() + 1);
      }
      sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c2);
    }
    assertThat(lastScoredVersion()).as("version whose chunks disagree").isZero();

    sae.modelRawIn.pipeInput("0", new byte[] {9, 9, 9});
    List<ModelChunk> v3000 = chunksOf(3000, base, 0);
    for (int i = v3000.size() - 1; i >= 0; i--) {
      sae.modelIn.pipeInput(Integer.toString(i), v3000.get(i));
    }
    assertThat(lastScoredVersion()).as("complete version, chunks out of order").isEqualTo(3000);

    ModelChunk lastOf1000 = v1000.get(v1000.size() - 1);
    sae.modelIn.pipeInput(Integer.toString(lastOf1000.getChunkIndex()), lastOf1000);
    assertThat(lastScoredVersion()).as("an older version completing later").isEqualTo(3000);
    assertThat(sae.metrics.versions).containsExactly("scorer=0", "scorer=3000");
  }

  @Test
  void punctuatorTrainsAPartialBatchAfterTheMaximumWait() {
    open(Map.of());
    Random r = new Random(5);
    for (int i = 0; i < 3; i++) {
      sae.send("p" + i, randomVector(r));
    }
    sae.driver.advanceWallClockTime(Duration.ofMillis(600));
    assertThat(sae.model.isEmpty()).isTrue();
    sae.driver.advanceWallClockTime(Duration.ofMillis(600));
    List<ModelChunk> chunks = sae.model.readValuesToList();
    assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.getModelVersion()).isEqualTo(1));
    assertThat(sae.metrics.steps).hasSize(1);
    assertThat(sae.metrics.steps.get(0).rows()).isEqualTo(3);
    KeyValueStore<Long, byte[]> replay = sae.driver.getKeyValueStore(TrainerProcessor.REPLAY_STORE);
    assertThat(count(replay)).as("a partial batch is checkpointed, not replayed").isZero();
    assertThat(sae.metrics.checkpoints).hasSize(1);
    sae.driver.advanceWallClockTime(Duration.ofMillis(5_000));
    assertThat(sae.metrics.steps).as("nothing left to flush").hasSize(1);
  }

  @Test
  void outliersAfterWarmUpRaiseExplainedAlerts() {
    open(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0, AppConfig.ANOMALY_TOP_DIMENSIONS_CONFIG, 2,
        AppConfig.ANOMALY_THRESHOLD_MODE_CONFIG, "sigmas", AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 0L));
    Random r = new Random(6);
    for (int i = 0; i < 60; i++) {
      float[] x = randomVector(r);
      sae.send("n" + i, x);
    }
    assertThat(sae.alerts.isEmpty()).isTrue();
    float[] spike = randomVector(r);
    spike[3] = 400f;
    sae.send("spike", spike);
    List<AnomalyAlert> alerts = sae.alerts.readValuesToList();
    assertThat(alerts).hasSize(1);
    AnomalyAlert a = alerts.get(0);
    assertThat(a.getId()).isEqualTo("spike");
    assertThat(a.getError()).isGreaterThan(a.getThreshold());
    SaeModel.Scorer reference = InitialModel.of(sae.config.trainerConfig()).scorer(Gemms.create("java"), 1);
    reference.score(spike, 1);
    float[] xHat = new float[D];
    reference.reconstruction(0, xHat);
    AlertExplainer.Explanation expected = AlertExplainer.explain(spike, xHat, 2);
    assertThat(a.getTopDimensions()).containsExactly(expected.dimensions()[0], expected.dimensions()[1]);
    assertThat(a.getTopContributions().get(0)).isCloseTo(expected.shares()[0], within(1e-9));
    assertThat(a.getTopContributions().get(0)).isGreaterThanOrEqualTo(a.getTopContributions().get(1));
    assertThat(a.getReason()).contains("threshold").contains(expected.dimensions()[0] + " (");
    assertThat(a.getAttributes()).containsEntry("source", "test");
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    assertThat(scores.get(scores.size() - 1).getAnomaly()).isTrue();
    assertThat(scores.get(scores.size() - 1).getThreshold()).isEqualTo(a.getThreshold());
    assertThat(sae.metrics.anomalies).isEqualTo(1);
    assertThat(sae.metrics.out).filteredOn("alerts"::equals).hasSize(1);
    // every score judged with a threshold in force counts, the spike as flagged; the threshold
    // and target are reported for the (only) partition
    long judged = scores.stream().filter(s -> s.getThreshold() != null).count();
    assertThat(sae.metrics.judged).isEqualTo(judged).isPositive();
    assertThat(sae.metrics.flagged).isEqualTo(1);
    assertThat(sae.metrics.thresholds).containsOnlyKeys(0);
    assertThat(sae.metrics.thresholds.get(0)).isEqualTo(a.getThreshold());
    assertThat(sae.metrics.falseAlarmRateTarget)
        .isEqualTo(sae.config.anomalySettings().targetRate()).isBetween(1e-6, 1e-3);
  }

  @Test
  void everyProcessorStoreAndInternalTopicIsNamed() {
    open(Map.of());
    TopologyDescription description = SaeTopology.build(sae.config, SaeMetricsSinkHolder.NOOP, sae.serdes).describe();
    String text = description.toString();
    assertThat(text).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
    assertThat(text).contains("validate", "trainer", "scorer", "detect-anomalies", "training-repartition",
        TrainerProcessor.CHECKPOINT_STORE, TrainerProcessor.REPLAY_STORE, SaeTopology.MODEL_STORE);
    assertThat(description.globalStores()).hasSize(1);
  }

  /**
   * Data-parallel mode: the replicas write to the sync topic (a source topic, no repartition
   * topic), whose source feeds the store of contributions first and the aggregator second; the
   * aggregator reads that store and its own, and writes to the model topic and back to the sync
   * topic (its changelogs are checked on a broker in {@code DataParallelIntegrationTest}).
   */
  @Test
  void inDataParallelModeTheSyncTopicIsTheContributionStoresChangelog() {
    open(Map.of(AppConfig.TRAIN_MODE_CONFIG, "data-parallel", AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG, 1));
    org.apache.kafka.streams.Topology topology = SaeTopology.build(sae.config, SaeMetricsSinkHolder.NOOP, sae.serdes);
    TopologyDescription description = topology.describe();
    String text = description.toString();
    assertThat(text).doesNotContain("KSTREAM-").doesNotContain("sync-repartition");
    String sync = sae.config.syncTopic();
    TopologyDescription.Source source = description.subtopologies().stream()
        .flatMap(t -> t.nodes().stream())
        .filter(n -> n instanceof TopologyDescription.Source s && s.topicSet().contains(sync))
        .map(n -> (TopologyDescription.Source) n).findFirst().orElseThrow();
    // the description sorts them; at run time the updater, added first, is the first child (the
    // aggregator fails a task that finds its chunk missing: DataParallelTopologyTest runs rounds)
    assertThat(source.successors()).extracting(TopologyDescription.Node::name)
        .containsExactlyInAnyOrder("sync-contributions-update", "aggregator");
    TopologyDescription.Processor aggregator = (TopologyDescription.Processor) source.successors().stream()
        .filter(n -> n.name().equals("aggregator")).findFirst().orElseThrow();
    assertThat(aggregator.stores()).containsExactlyInAnyOrder(SyncAggregator.STORE, SyncContributions.STORE);
    assertThat(aggregator.successors()).extracting(TopologyDescription.Node::name)
        .containsExactlyInAnyOrder(SyncAggregator.MODEL_SINK, SyncAggregator.TOMBSTONE_SINK);
    assertThat(aggregator.successors()).allSatisfy(n -> assertThat(((TopologyDescription.Sink) n).topic())
        .isIn(sae.config.modelTopic(), sync));
  }

  @Test
  void anomalyStateIsKeptInItsStore() {
    open(Map.of(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0, AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 0L));
    KeyValueStore<String, byte[]> store = sae.driver.getKeyValueStore("anomaly-detector");
    Random r = new Random(2);
    for (int i = 0; i < 100; i++) {
      sae.send("a" + i, randomVector(r));
    }
    byte[] saved = store.get("state");
    AnomalyDetector restored = AnomalyDetector.fromBytes(sae.config.anomalySettings(), saved);
    assertThat(restored.toBytes()).isEqualTo(saved);
    sae.send("b", randomVector(r));
    assertThat(store.get("state")).as("written with every record").isNotEqualTo(saved);
  }

  /** Sends a vector with its own event time. */
  private void sendAt(String id, long timestamp, float[] x) {
    sae.input.pipeInput(SaeDriver.key(id), sae.encode(SaeDriver.vector(id, timestamp, x)));
  }

  private static Map<String, Object> falseAlarmRate(Object... more) {
    Map<String, Object> m = new java.util.HashMap<>(Map.of(
        AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 0L,
        AppConfig.ANOMALY_HANDOVER_RECORDS_CONFIG, 16,
        AppConfig.ANOMALY_WARMUP_RECORDS_CONFIG, 50L,
        AppConfig.ANOMALY_TOP_DIMENSIONS_CONFIG, 2));
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  /**
   * In the default false-alarm-rate mode: no threshold while the detector learns the level and
   * calibrates, then a run of three outliers raises one alert, graded, with the expected and
   * actual values of its top dimensions and the run's start; every score carries its grade.
   */
  @Test
  void aRunOfOutliersRaisesOneGradedExplainedAlert() {
    open(falseAlarmRate(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0));
    Random r = new Random(6);
    for (int i = 0; i < 300; i++) {
      sendAt("n" + i, 1_000 + i, randomVector(r));
    }
    List<ReconstructionScore> warm = sae.scores.readValuesToList();
    assertThat(warm.subList(0, 66)).allSatisfy(s -> assertThat(s.getThreshold()).isNull());
    assertThat(warm.get(299).getThreshold()).isNotNull();
    List<AnomalyAlert> falseAlarms = sae.alerts.readValuesToList();
    assertThat(falseAlarms.size()).as("false alarms among 234 judged normals").isLessThanOrEqualTo(8);
    float[][] spikes = new float[3][];
    for (int k = 0; k < 3; k++) {
      spikes[k] = randomVector(r);
      spikes[k][3 + k] = 60f;
      sendAt("spike" + k, 5_000 + k, spikes[k]);
    }
    sendAt("calm", 6_000, randomVector(r));
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    assertThat(scores).extracting(ReconstructionScore::getAnomaly).containsExactly(true, true, true, false);
    assertThat(scores.get(0).getGrade()).isCloseTo(1 - scores.get(0).getThreshold() / scores.get(0).getError(), within(1e-12));
    assertThat(scores.get(3).getGrade()).isZero();
    List<AnomalyAlert> alerts = sae.alerts.readValuesToList();
    assertThat(alerts).hasSize(1);
    AnomalyAlert a = alerts.get(0);
    assertThat(a.getId()).isEqualTo("spike0");
    assertThat(a.getRunStart()).isEqualTo(Instant.ofEpochMilli(5_000));
    assertThat(a.getRunLength()).isEqualTo(1);
    assertThat(a.getGrade()).isEqualTo(scores.get(0).getGrade()).isGreaterThan(0.5);
    SaeModel.Scorer reference = InitialModel.of(sae.config.trainerConfig()).scorer(Gemms.create("java"), 1);
    reference.score(spikes[0], 1);
    float[] xHat = new float[D];
    reference.reconstruction(0, xHat);
    AlertExplainer.Explanation top = AlertExplainer.explain(spikes[0], xHat, 2);
    assertThat(a.getTopDimensions()).containsExactly(top.dimensions()[0], top.dimensions()[1]);
    for (int j = 0; j < 2; j++) {
      int dim = top.dimensions()[j];
      assertThat(a.getActualValues().get(j)).isEqualTo((double) spikes[0][dim]);
      assertThat(a.getExpectedValues().get(j)).isEqualTo((double) xHat[dim]);
    }
    assertThat(a.getReason()).contains("grade").contains("expected").contains("actual");
  }

  @Test
  void inRecordAlertModeEveryAnomalousRecordAlerts() {
    open(falseAlarmRate(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0, AppConfig.ANOMALY_ALERT_MODE_CONFIG, "record"));
    Random r = new Random(6);
    for (int i = 0; i < 300; i++) {
      sae.send("n" + i, randomVector(r));
    }
    sae.alerts.readValuesToList();
    for (int k = 0; k < 3; k++) {
      float[] x = randomVector(r);
      x[5] = 60f;
      sae.send("spike" + k, x);
    }
    assertThat(sae.alerts.readValuesToList()).extracting(AnomalyAlert::getRunLength).containsExactly(1L, 2L, 3L);
  }

  /** The internal training topic: the ids the trainer was given. */
  private List<String> trainedIds() {
    return sae.driver.createOutputTopic("sae-test-" + SaeTopology.TRAINING_TOPIC + "-repartition",
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())
        .readKeyValuesToList().stream().map(kv -> kv.key).toList();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void anomaliesAreNotTrainedOnUnlessAskedTo(boolean skip) {
    open(falseAlarmRate(AppConfig.TRAIN_SKIP_ANOMALIES_CONFIG, skip,
        AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, 100_000, AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, 100_000));
    Random r = new Random(7);
    for (int i = 0; i < 300; i++) {
      sae.send("n" + i, randomVector(r));
    }
    float[] x = randomVector(r);
    x[2] = 80f;
    sae.send("spike", x);
    sae.send("after", randomVector(r));
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    List<String> flagged = scores.stream().filter(ReconstructionScore::getAnomaly).map(ReconstructionScore::getId).toList();
    assertThat(flagged).contains("spike");
    List<String> trained = trainedIds();
    assertThat(trained).contains("after", "n0", "n299");
    if (skip) {
      assertThat(trained).doesNotContainAnyElementsOf(flagged).hasSize(scores.size() - flagged.size());
    } else {
      assertThat(trained).contains("spike").hasSize(scores.size());
    }
  }

  /**
   * The replay log — what a restarted trainer reads back from the input topic — references
   * exactly the records trained on: a flagged record is skipped there as in training, so a resume
   * retrains the same samples.
   */
  @Test
  void theReplayLogSkipsFlaggedRecordsAsTrainingDoes() {
    open(falseAlarmRate(AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, 100_000,
        AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, 100_000));
    Random r = new Random(8);
    for (int i = 0; i < 300; i++) {
      sae.send("n" + i, randomVector(r));
    }
    float[] x = randomVector(r);
    x[4] = 80f;
    sae.send("spike", x); // input offset 300
    for (int i = 0; i < 3; i++) {
      sae.send("after" + i, randomVector(r)); // offsets 301..303
    }
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    java.util.Set<Long> flaggedOffsets = new java.util.TreeSet<>();
    for (int i = 0; i < scores.size(); i++) {
      if (scores.get(i).getAnomaly()) {
        flaggedOffsets.add((long) i);
      }
    }
    assertThat(flaggedOffsets).contains(300L);
    java.util.Set<Long> referenced = new java.util.TreeSet<>();
    KeyValueStore<Long, byte[]> replay = sae.driver.getKeyValueStore(TrainerProcessor.REPLAY_STORE);
    try (var it = replay.all()) {
      while (it.hasNext()) {
        ByteBuffer block = ByteBuffer.wrap(it.next().value);
        assertThat(block.get()).as("block format").isEqualTo((byte) 3);
        while (block.hasRemaining()) {
          assertThat(block.get()).as("a reference").isZero();
          assertThat(block.getInt()).as("partition").isZero();
          referenced.add(block.getLong());
        }
      }
    }
    // every sample since the start (no checkpoint yet) is referenced, except the flagged ones
    java.util.Set<Long> expected = new java.util.TreeSet<>();
    for (long o = 0; o < scores.size(); o++) {
      if (!flaggedOffsets.contains(o)) {
        expected.add(o);
      }
    }
    assertThat(referenced).isEqualTo(expected);
  }

  /**
   * No alert and a null threshold while the scoring model is immature (the initial version 0,
   * trained on nothing); a version trained on enough samples arrives and, once the detector has
   * calibrated on it, outliers alert.
   */
  @Test
  void anImmatureModelRaisesNoAlert() {
    open(falseAlarmRate(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, 0.0, AppConfig.ANOMALY_MIN_TRAINED_SAMPLES_CONFIG, 1_000L));
    Random r = new Random(9);
    for (int i = 0; i < 300; i++) {
      float[] x = randomVector(r);
      if (i % 50 == 49) {
        x[1] = 80f;
      }
      sae.send("n" + i, x);
    }
    assertThat(sae.scores.readValuesToList()).allSatisfy(s -> {
      assertThat(s.getAnomaly()).isFalse();
      assertThat(s.getThreshold()).isNull();
    });
    assertThat(sae.alerts.isEmpty()).isTrue();
    // version 250 of a 4-sample batch: trained on 1,000 samples
    SaeModel base = InitialModel.of(sae.config.trainerConfig());
    for (ModelChunk c : chunksOf(250, base, 0)) {
      sae.modelIn.pipeInput(Integer.toString(c.getChunkIndex()), c);
    }
    for (int i = 0; i < 300; i++) {
      sae.send("m" + i, randomVector(r));
    }
    float[] x = randomVector(r);
    x[1] = 80f;
    sae.send("spike", x);
    List<ReconstructionScore> scores = sae.scores.readValuesToList();
    assertThat(scores.get(scores.size() - 1).getModelVersion()).isEqualTo(250);
    assertThat(scores.get(scores.size() - 1).getAnomaly()).isTrue();
    assertThat(sae.alerts.readValuesToList()).extracting(AnomalyAlert::getId).contains("spike");
  }

  /** The metrics sink constant under a short name. */
  private static final class SaeMetricsSinkHolder {
    static final io.saestreams.metrics.SaeMetricsSink NOOP = io.saestreams.metrics.SaeMetricsSink.NOOP;
  }
}
